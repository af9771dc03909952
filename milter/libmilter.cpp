#include "libmilter.hpp"

#include "callbacks.hpp"
#include "protocol.hpp"

#include <libmilter/mfapi.h>
#include <sift/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace sift::milter {

namespace {

// Sift's own names for the protocol's values (protocol.hpp) are libmilter's.
static_assert(proto::action::add_headers == SMFIF_ADDHDRS && proto::action::change_body == SMFIF_CHGBODY &&
              proto::action::add_rcpt == SMFIF_ADDRCPT && proto::action::delete_rcpt == SMFIF_DELRCPT &&
              proto::action::change_headers == SMFIF_CHGHDRS &&
              proto::action::quarantine == SMFIF_QUARANTINE && proto::action::change_from == SMFIF_CHGFROM &&
              proto::action::add_rcpt_par == SMFIF_ADDRCPT_PAR);
static_assert(proto::step::no_body == SMFIP_NOBODY && proto::step::nr_header == SMFIP_NR_HDR &&
              proto::step::no_unknown == SMFIP_NOUNKNOWN && proto::step::no_data == SMFIP_NODATA &&
              proto::step::skip == SMFIP_SKIP && proto::step::nr_connect == SMFIP_NR_CONN &&
              proto::step::nr_helo == SMFIP_NR_HELO && proto::step::nr_body == SMFIP_NR_BODY);

const engine* the_engine = nullptr;  // set once before smfi_main
bool over_tcp = false;

void check(int rc, const char* what) {
    if (rc != MI_SUCCESS) throw std::runtime_error(std::string(what) + " failed");
}

char* text(std::string& s) {
    return s.data();
}

// smfi_setmlreply with lines[0..n) and NULL after them (it stops at the
// first NULL; it takes at most 32 lines).
template <std::size_t... I>
int set_multiline(SMFICTX* ctx, char* code, char* enhanced, std::vector<std::string>& lines,
                  std::index_sequence<I...>) {
    auto at = [&](std::size_t i) -> char* { return i < lines.size() ? lines[i].data() : nullptr; };
    return smfi_setmlreply(ctx, code, enhanced, at(I)..., static_cast<char*>(nullptr));
}

// What a callback asks of the MTA, through libmilter's smfi_* calls.
class libmilter_mta final : public mta {
public:
    explicit libmilter_mta(SMFICTX* ctx) : ctx_(ctx) {}

    std::optional<std::string> macro(std::string_view name) override {
        std::string n(name);
        const char* v = smfi_getsymval(ctx_, n.data());
        if (!v) return std::nullopt;
        return std::string(v);
    }
    void set_reply(std::string_view code, std::string_view enhanced,
                   const std::vector<std::string>& lines) override {
        std::string c(code), e(enhanced);
        auto copy = lines;
        if (copy.size() == 1)
            check(smfi_setreply(ctx_, c.data(), e.data(), copy[0].data()), "smfi_setreply");
        else
            check(set_multiline(ctx_, c.data(), e.data(), copy, std::make_index_sequence<32>{}),
                  "smfi_setmlreply");
    }
    void add_header(std::string_view name, std::string_view value) override {
        std::string n(name), v(value);
        check(smfi_addheader(ctx_, text(n), text(v)), "smfi_addheader");
    }
    void insert_header(unsigned index, std::string_view name, std::string_view value) override {
        std::string n(name), v(value);
        check(smfi_insheader(ctx_, int(index), text(n), text(v)), "smfi_insheader");
    }
    void delete_header(std::string_view name, unsigned index) override {
        std::string n(name);
        check(smfi_chgheader(ctx_, text(n), int(index), nullptr), "smfi_chgheader");
    }
    void add_rcpt(std::string_view rcpt, std::string_view params) override {
        std::string r(rcpt), p(params);
        if (p.empty()) return check(smfi_addrcpt(ctx_, text(r)), "smfi_addrcpt");
        check(smfi_addrcpt_par(ctx_, text(r), text(p)), "smfi_addrcpt_par");
    }
    void delete_rcpt(std::string_view rcpt) override {
        std::string r(rcpt);
        check(smfi_delrcpt(ctx_, text(r)), "smfi_delrcpt");
    }
    void change_from(std::string_view from) override {
        std::string f(from);
        check(smfi_chgfrom(ctx_, text(f), nullptr), "smfi_chgfrom");
    }
    void replace_body(std::string_view body) override {
        std::string b(body);
        auto* p = reinterpret_cast<unsigned char*>(b.data());
        // Postfix reads body chunks of at most 65535 bytes.
        for (std::size_t at = 0; at < b.size(); at += proto::chunk_size)
            check(smfi_replacebody(ctx_, p + at, int(std::min(proto::chunk_size, b.size() - at))),
                  "smfi_replacebody");
        if (b.empty()) check(smfi_replacebody(ctx_, p, 0), "smfi_replacebody");
    }
    void quarantine(std::string_view reason) override {
        std::string r(reason);
        check(smfi_quarantine(ctx_, text(r)), "smfi_quarantine");
    }

private:
    SMFICTX* ctx_;
};

sfsistat to_libmilter(status s) {
    switch (s) {
        case status::proceed:
            return SMFIS_CONTINUE;
        case status::reject:
            return SMFIS_REJECT;
        case status::discard:
            return SMFIS_DISCARD;
        case status::accept:
            return SMFIS_ACCEPT;
        case status::tempfail:
            return SMFIS_TEMPFAIL;
        case status::noreply:
            return SMFIS_NOREPLY;
        case status::skip:
            return SMFIS_SKIP;
    }
    return SMFIS_TEMPFAIL;
}

filter_session& new_session(SMFICTX* ctx) {
    if (auto* s = static_cast<filter_session*>(smfi_getpriv(ctx))) return *s;
    auto s = std::make_unique<filter_session>(*the_engine, over_tcp);
    check(smfi_setpriv(ctx, s.get()), "smfi_setpriv");
    return *s.release();  // on_close deletes it
}

// A step of a connection without a session (libmilter never calls one
// before negotiate or connect): a tempfail, never an accept.
template <class F>
sfsistat with_session(SMFICTX* ctx, F f) noexcept {
    auto* s = static_cast<filter_session*>(smfi_getpriv(ctx));
    if (!s) {
        log_line("{\"milter\":\"tempfail\",\"error\":\"no connection state (callback before connect)\"}");
        return SMFIS_TEMPFAIL;
    }
    libmilter_mta to(ctx);
    return to_libmilter(f(*s, to));
}

std::string address_of(const sockaddr* sa) {
    if (!sa) return "";
    char buf[INET6_ADDRSTRLEN] = "";
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
    return buf;
}

std::vector<std::string> arguments(char** argv) {
    std::vector<std::string> out;
    for (char** a = argv; a && *a; ++a) out.emplace_back(*a);
    return out;
}

sfsistat on_negotiate(SMFICTX* ctx, unsigned long actions, unsigned long steps, unsigned long, unsigned long,
                      unsigned long* want_actions, unsigned long* want_steps, unsigned long* f2,
                      unsigned long* f3) noexcept {
    try {
        new_session(ctx);
    } catch (...) {
        return SMFIS_TEMPFAIL;
    }
    return with_session(ctx, [&](filter_session& s, mta& to) {
        std::uint32_t a = 0, p = 0;
        auto r = s.negotiate(to, std::uint32_t(actions), std::uint32_t(steps), a, p);
        *want_actions = a;
        *want_steps = p;
        *f2 = 0;
        *f3 = 0;
        return r;
    });
}

sfsistat on_connect(SMFICTX* ctx, char* host, _SOCK_ADDR* addr) noexcept {
    try {
        new_session(ctx);
    } catch (...) {
        return SMFIS_TEMPFAIL;
    }
    return with_session(
        ctx, [&](filter_session& s, mta& to) { return s.connect(to, host ? host : "", address_of(addr)); });
}

sfsistat on_helo(SMFICTX* ctx, char* helo) noexcept {
    return with_session(ctx, [&](filter_session& s, mta& to) { return s.helo(to, helo ? helo : ""); });
}

sfsistat on_envfrom(SMFICTX* ctx, char** argv) noexcept {
    return with_session(ctx, [&](filter_session& s, mta& to) { return s.mail(to, arguments(argv)); });
}

sfsistat on_envrcpt(SMFICTX* ctx, char** argv) noexcept {
    return with_session(ctx, [&](filter_session& s, mta& to) { return s.rcpt(to, arguments(argv)); });
}

sfsistat on_header(SMFICTX* ctx, char* name, char* value) noexcept {
    return with_session(
        ctx, [&](filter_session& s, mta& to) { return s.header(to, name ? name : "", value ? value : ""); });
}

sfsistat on_eoh(SMFICTX* ctx) noexcept {
    return with_session(ctx, [&](filter_session& s, mta& to) { return s.end_of_headers(to); });
}

sfsistat on_body(SMFICTX* ctx, unsigned char* chunk, size_t size) noexcept {
    return with_session(ctx, [&](filter_session& s, mta& to) {
        return s.body(to, std::string_view(reinterpret_cast<const char*>(chunk), chunk ? size : 0));
    });
}

sfsistat on_eom(SMFICTX* ctx) noexcept {
    return with_session(ctx, [&](filter_session& s, mta& to) { return s.end_of_message(to); });
}

sfsistat on_abort(SMFICTX* ctx) noexcept {
    if (auto* s = static_cast<filter_session*>(smfi_getpriv(ctx))) s->abort();
    return SMFIS_CONTINUE;
}

sfsistat on_close(SMFICTX* ctx) noexcept {
    delete static_cast<filter_session*>(smfi_getpriv(ctx));
    smfi_setpriv(ctx, nullptr);
    return SMFIS_CONTINUE;
}

}  // namespace

smfiDesc filter_description(const engine& e, bool tcp) {
    the_engine = &e;
    over_tcp = tcp;
    smfiDesc d{};
    d.xxfi_name = const_cast<char*>("sift");
    d.xxfi_version = SMFI_VERSION;
    d.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_CHGBODY |
                   SMFIF_CHGFROM | SMFIF_ADDRCPT_PAR;
    if (!e.config().quarantine_folder.empty()) d.xxfi_flags |= SMFIF_QUARANTINE;
    d.xxfi_connect = on_connect;
    d.xxfi_helo = on_helo;
    d.xxfi_envfrom = on_envfrom;
    d.xxfi_envrcpt = on_envrcpt;
    d.xxfi_header = on_header;
    d.xxfi_eoh = on_eoh;
    d.xxfi_body = on_body;
    d.xxfi_eom = on_eom;
    d.xxfi_abort = on_abort;
    d.xxfi_close = on_close;
    d.xxfi_negotiate = on_negotiate;
    return d;
}

}  // namespace sift::milter
