// vnd.sift.authres, Sift's own (docs/EXTENSIONS.md): what the receiving
// site's own checkers found, read from Authentication-Results (RFC 8601).
//
//   authres [":method" <methods: string-list>] [":property" <name: string>]
//           [":aligned"] [COMPARATOR] [MATCH-TYPE] <keys: string-list>
//
// The values compared are, for each result ("resinfo") of each trusted
// Authentication-Results field whose method is one of `methods` (every
// method when :method is left out): the result ("pass", "fail", ...,
// lower-cased), or with :property the value of that property
// ("header.from", "smtp.mailfrom", "header.d", "reason", or a key of the
// comment after the result: "p", "sp", "pct", "dis" as OpenDMARC writes
// the DMARC policy). A DMARC result without "pct" has pct "100" (RFC 7489
// §6.3). With :aligned, only results whose domain is aligned with the
// From domain count (relaxed alignment, RFC 7489 §3.1: the same
// organizational domain, from the Public Suffix List): a DKIM result's
// header.d (or the domain of header.i), an SPF result's smtp.mailfrom (or
// smtp.helo), a DMARC result's header.from. A field is trusted when its
// authserv-id is one of run_options::authres.trusted_authserv_ids; the
// others are ignored, as RFC 8601 §5 requires.
//
//     require ["vnd.sift.authres"];
//     if anyof (authres :method "dmarc" "pass",
//               authres :method ["dkim", "spf"] :aligned "pass") { ... }
#include "ext/authres/authres_header.hpp"

#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/index/index.hpp"
#include "ext/relational/relational.hpp"
#include "mail/address.hpp"
#include "mail/header.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <libpsl.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace sift::ext {
using namespace validate;

namespace {

void emit_authres(compile::emitter& e, const binding& b) {
    static const parse::ast::string_list every_method{};
    const auto* methods = b.tag_value("method");
    const auto* property = b.tag_value("property");
    std::string_view name =
        property ? std::get<parse::ast::string_list>(*property).items.front().value : std::string_view();
    e.emit(b.has_tag("aligned") ? vm::opcode::test_authres_aligned : vm::opcode::test_authres,
           {std::uint64_t(b.match.cmp), vm::pack(b.match),
            e.list(methods ? std::get<parse::ast::string_list>(*methods) : every_method), e.string(name),
            e.list(b.list_arg(0))});
}

}  // namespace

void register_authres(registry& r) {
    r.add(capability_def{"vnd.sift.authres"});
    r.add(tag_def{.name = "method", .parameter = arg_kind::string_list, .capability = "vnd.sift.authres"});
    r.add(tag_def{.name = "property", .parameter = arg_kind::string, .capability = "vnd.sift.authres"});
    r.add(tag_def{.name = "aligned", .capability = "vnd.sift.authres"});
    r.add(command_def{.name = "authres",
                      .is_test = true,
                      .capability = "vnd.sift.authres",
                      .positional = {arg_kind::string_list},
                      .tags = {"method", "property", "aligned", "comparator", "match-type"},
                      .emit = emit_authres});
}

extern const descriptor authres_extension{.name = "authres", .add = register_authres};

namespace authres {
namespace {

std::string domain_part(std::string_view s) {
    auto at = s.rfind('@');
    std::string d = mail::ascii_lower(at == std::string_view::npos ? s : s.substr(at + 1));
    while (!d.empty() && d.back() == '.') d.pop_back();
    return d;
}

// RFC 7489 §3.2: the registrable domain under the Public Suffix List; a
// public suffix itself (or what libpsl cannot judge) stands for itself.
std::string organizational_domain(const std::string& domain) {
    static const psl_ctx_t* const psl = [] {
        const psl_ctx_t* latest = psl_latest(nullptr);  // Debian's publicsuffix package, else built in
        return latest ? latest : psl_builtin();
    }();
    const char* registrable = psl ? psl_registrable_domain(psl, domain.c_str()) : nullptr;
    return registrable ? std::string(registrable) : domain;
}

// The domain a result authenticated, as DMARC aligns it (RFC 7489 §3.1).
std::string identity_domain(const resinfo& r) {
    auto first = [&](std::initializer_list<std::string_view> names) -> std::string {
        for (auto n : names)
            if (const std::string* v = r.find(n); v && !v->empty()) return domain_part(*v);
        return {};
    };
    if (r.method == "dkim") return first({"header.d", "header.i"});
    if (r.method == "spf") return first({"smtp.mailfrom", "smtp.helo"});
    if (r.method == "dmarc") return first({"header.from"});
    return {};
}

}  // namespace
}  // namespace authres
}  // namespace sift::ext

namespace sift::vm {
namespace {

// The organizational domain of the one From address, if there is exactly
// one From field holding exactly one valid address (RFC 7489 §6.6.1 leaves
// the others to the receiver: nothing aligns with them here).
std::optional<std::string> from_organization(run_state& s) {
    std::optional<std::string> domain;
    int fields = 0;
    ext::for_each_field(s, "From", std::nullopt, [&](const mail::header_field& f) {
        if (++fields > 1) return false;
        auto addresses = mail::parse_address_list(f.value);
        if (addresses.size() == 1 && addresses.front().valid)
            domain = ext::authres::domain_part(addresses.front().domain);
        return true;
    });
    if (fields != 1 || !domain || domain->empty()) return std::nullopt;
    return ext::authres::organizational_domain(*domain);
}

bool trusted(const std::vector<std::string>& ids, std::string_view id) {
    return std::any_of(ids.begin(), ids.end(), [&](const std::string& t) { return mail::iequals(t, id); });
}

// Whether a result in a trusted Authentication-Results field holds the
// key (`ids` is not empty).
bool any_result(run_state& s, const instruction& ins, const match_spec& spec, bool aligned,
                const std::vector<std::string>& ids) {
    std::optional<std::string> from_org;
    if (aligned) {
        from_org = from_organization(s);
        if (!from_org) return false;
    }
    std::string buffer;
    std::vector<std::string> methods;
    for (auto id : s.list(ins.arg[2])) methods.push_back(mail::ascii_lower(s.text(id, buffer)));
    std::string property = mail::ascii_lower(s.text(ins.arg[3], buffer));
    bool found = false;
    ext::for_each_field(s, "Authentication-Results", std::nullopt, [&](const mail::header_field& f) {
        auto h = ext::authres::parse(f.value);
        if (!h || !trusted(ids, h->authserv_id)) return true;
        for (const auto& r : h->results) {
            if (!methods.empty() && std::find(methods.begin(), methods.end(), r.method) == methods.end())
                continue;
            if (aligned) {
                auto identity = ext::authres::identity_domain(r);
                if (identity.empty() || ext::authres::organizational_domain(identity) != *from_org) continue;
            }
            const std::string* value = property.empty() ? &r.result : r.find(property);
            static const std::string full_pct = "100";
            if (!value && property == "pct" && r.method == "dmarc") value = &full_pct;
            if (value && s.any_key(*value, ins.arg[4], spec)) {
                found = true;
                return false;
            }
        }
        return true;
    });
    return found;
}

void test_authres(run_state& s, const instruction& ins, bool aligned) {
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    const auto& ids = s.options.authres.trusted_authserv_ids;
    // With no trusted authserv-id no field counts: the methods, the
    // property and the From address are not even looked at.
    s.flag = !ids.empty() && any_result(s, ins, spec, aligned, ids);
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[4], spec);
}

}  // namespace

void exec_test_authres(run_state& s, const instruction& ins) {
    test_authres(s, ins, false);
}
void exec_test_authres_aligned(run_state& s, const instruction& ins) {
    test_authres(s, ins, true);
}

}  // namespace sift::vm
