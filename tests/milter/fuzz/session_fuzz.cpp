// A fuzzer over sift-milter's per-connection session logic: the real
// filter_session (milter/callbacks.cpp) and engine (the default policy,
// the users' scripts of tests/milter/scripts) driven through a fake MTA
// (milter/mta.hpp) in any order an MTA would never use, with any macro
// values and arguments, and with requests to the MTA that fail. Each input
// is one connection: a sequence of operations decoded from the bytes. What
// must hold: nothing crashes or leaks (run it under ASan), every step
// answers with a status the protocol knows, and a step that failed never
// answers accept.
//
// Built two ways (tests/CMakeLists.txt): as a CTest that runs a fixed,
// seeded set of inputs (session_fuzz_main.cpp), and as a libFuzzer target
// with clang (scripts/fuzz-milter), the coverage-guided search.
#include "callbacks.hpp"
#include "engine.hpp"
#include "mta.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct reader {
    const std::uint8_t* p;
    std::size_t n;
    bool done() const { return n == 0; }
    std::uint8_t byte() {
        if (n == 0) return 0;
        --n;
        return *p++;
    }
    std::string bytes(std::size_t len) {
        len = std::min(len, n);
        std::string s(reinterpret_cast<const char*>(p), len);
        p += len;
        n -= len;
        return s;
    }
    std::string str() { return bytes(byte() % 64); }
};

const sift::milter::engine& the_engine() {
    static const auto* e = [] {
        sift::milter::settings s;
        s.scripts_dir = std::string(SIFT_TEST_DATA) + "/milter/scripts";
        return new sift::milter::engine(s, [](const std::string&) {});
    }();
    return *e;
}

using sift::milter::status;

void expect_status(status s) {
    switch (s) {
        case status::proceed:
        case status::reject:
        case status::discard:
        case status::accept:
        case status::tempfail:
        case status::noreply:
        case status::skip:
            return;
    }
    std::abort();  // the MTA would see a protocol error
}

// What the session asks of the MTA: the macros given, requests that can
// all be made to fail (as when the MTA went away), the checks libmilter
// makes on a reply.
struct fake_mta final : sift::milter::mta {
    std::map<std::string, std::string> macros;
    bool fail = false;
    unsigned calls = 0;
    std::string last_reply;

    void call(std::string_view s) {
        ++calls;
        if (fail) throw std::runtime_error("the MTA went away");
        if (s.size() > 100'000'000) std::abort();
    }
    std::optional<std::string> macro(std::string_view name) override {
        auto it = macros.find(std::string(name));
        if (it == macros.end()) return std::nullopt;
        return it->second;
    }
    void set_reply(std::string_view code, std::string_view enhanced,
                   const std::vector<std::string>& lines) override {
        // A 4xx or 5xx code, 1 to 32 lines without CR or LF.
        if (code.size() != 3 || (code[0] != '4' && code[0] != '5')) throw std::runtime_error("bad code");
        if (lines.empty() || lines.size() > 32) throw std::runtime_error("bad line count");
        for (const auto& l : lines)
            if (l.find_first_of("\r\n") != std::string::npos) throw std::runtime_error("CR or LF");
        call(enhanced);
        last_reply = std::string(code) + " " + std::string(enhanced) + " " + lines[0];
    }
    void add_header(std::string_view n, std::string_view v) override { call(n), call(v); }
    void insert_header(unsigned, std::string_view n, std::string_view v) override { call(n), call(v); }
    void delete_header(std::string_view n, unsigned) override { call(n); }
    void add_rcpt(std::string_view r, std::string_view p) override { call(r), call(p); }
    void delete_rcpt(std::string_view r) override { call(r); }
    void change_from(std::string_view f) override { call(f); }
    void replace_body(std::string_view b) override { call(b); }
    void quarantine(std::string_view r) override { call(r); }
};

const char* const macro_names[] = {
    "i", "j", "{auth_authen}", "{daemon_name}", "{daemon_addr}", "v", "{tls_version}", "{cipher}"};
const char* const interesting[] = {"<>",
                                   "<bob@example.net>",
                                   "<refuser@example.net>",
                                   "<filer@example.net>",
                                   "<fwd@example.net>",
                                   "SIZE=999999999999",
                                   "SMTPUTF8",
                                   "localhost",
                                   "mail.example.org",
                                   "[192.0.2.1]",
                                   "Subject",
                                   "X-Spam-Flag",
                                   "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"};

std::string value(reader& in) {
    auto b = in.byte();
    if (b < 64) return in.bytes(b);
    if (b < 128) return interesting[b % std::size(interesting)];
    if (b < 200) return in.str() + "\xC3\xA9" + in.str();
    return std::string(std::size_t(in.byte()) * 64, 'x');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& e = the_engine();
    reader in{data, size};
    fake_mta to;
    auto session = std::make_unique<sift::milter::filter_session>(e, false);
    // A step whose request to the MTA failed must not answer accept.
    auto step = [&](status s) {
        expect_status(s);
        if (to.fail && s == status::accept) std::abort();
    };
    const char* const addresses[] = {"", "192.0.2.1", "2001:db8::1", "not an address"};
    while (!in.done()) {
        auto op = in.byte() % 15;
        switch (op) {
            case 0: {
                auto host = value(in);
                step(session->connect(to, host, addresses[in.byte() % 4]));
                break;
            }
            case 1:
                step(session->helo(to, in.byte() % 8 ? value(in) : std::string()));
                break;
            case 2:
            case 3: {
                std::vector<std::string> a;
                if (in.byte() % 16)
                    for (int i = in.byte() % 4; i >= 0; --i) a.push_back(value(in));
                step(op == 2 ? session->mail(to, a) : session->rcpt(to, a));
                break;
            }
            case 4: {
                auto name = value(in), v = value(in);
                step(session->header(to, name, in.byte() % 8 ? v : std::string()));
                break;
            }
            case 5:
                step(session->end_of_headers(to));
                break;
            case 6:
                step(session->body(to, value(in)));
                break;
            case 7:
                step(session->end_of_message(to));
                break;
            case 8:
                session->abort();
                break;
            case 9:
                // The connection closed; another one comes.
                session = std::make_unique<sift::milter::filter_session>(e, in.byte() % 2);
                break;
            case 10: {
                auto name = macro_names[in.byte() % std::size(macro_names)];
                to.macros[name] = value(in);
                break;
            }
            case 11: {
                std::uint32_t a = in.byte() * 0x1010101u, s = in.byte() * 0x1010101u, wa = 0, ws = 0;
                auto r = session->negotiate(to, a, s, wa, ws);
                expect_status(r);
                // Never more than offered; refused only for missing actions.
                if (r == status::proceed && ((wa & ~a) || (ws & ~s))) std::abort();
                break;
            }
            case 12:
                to.fail = !to.fail;
                break;
            case 13:
                step(session->header(to, "X-Long", std::string(std::size_t(in.byte()) * 512, 'y')));
                break;
            case 14:
                session->reset_connection();
                break;
        }
    }
    return 0;
}
