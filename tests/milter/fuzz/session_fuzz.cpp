// A fuzzer over sift-milter's per-connection session logic: the real
// callbacks (milter/callbacks.cpp) and engine (the default policy, the
// users' scripts of tests/milter/scripts) driven through the fake
// libmilter in any order libmilter would never use, with any macro
// values and arguments, and with libmilter calls that fail. Each input is
// one connection: a sequence of operations decoded from the bytes. What
// must hold: nothing crashes or leaks (run it under ASan), and every
// callback answers with a status libmilter knows.
//
// Built two ways (tests/CMakeLists.txt): as a CTest that runs a fixed,
// seeded set of inputs (session_fuzz_main.cpp), and as a libFuzzer target
// with clang (scripts/fuzz-milter), the coverage-guided search.
#include "callbacks.hpp"
#include "engine.hpp"
#include "fake_libmilter.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
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

void expect_status(sfsistat s) {
    switch (s) {
        case SMFIS_CONTINUE:
        case SMFIS_REJECT:
        case SMFIS_DISCARD:
        case SMFIS_ACCEPT:
        case SMFIS_TEMPFAIL:
        case SMFIS_NOREPLY:
        case SMFIS_SKIP:
            return;
        default:
            std::abort();  // the MTA would see a protocol error
    }
}

// argv as libmilter passes it: the address, then ESMTP parameters, NULL.
struct args {
    std::vector<std::string> values;
    std::vector<char*> argv;
    char** get() {
        argv.clear();
        for (auto& v : values) argv.push_back(v.data());
        argv.push_back(nullptr);
        return argv.data();
    }
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
    static smfiDesc d = sift::milter::filter_description(the_engine());
    reader in{data, size};
    smfi_str ctx;
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    while (!in.done()) {
        auto op = in.byte() % 14;
        switch (op) {
            case 0: {
                auto host = value(in);
                auto which = in.byte() % 3;
                auto addr = in.bytes(4);
                addr.resize(4, '\0');
                std::memcpy(&v4.sin_addr, addr.data(), 4);
                sockaddr* sa = which == 0   ? nullptr
                               : which == 1 ? reinterpret_cast<sockaddr*>(&v4)
                                            : reinterpret_cast<sockaddr*>(&v6);
                expect_status(d.xxfi_connect(&ctx, host.data(), sa));
                break;
            }
            case 1: {
                auto helo = value(in);
                expect_status(d.xxfi_helo(&ctx, in.byte() % 8 ? helo.data() : nullptr));
                break;
            }
            case 2:
            case 3: {
                bool from = op == 2;
                args a;
                for (int i = in.byte() % 4; i >= 0; --i) a.values.push_back(value(in));
                auto* argv = in.byte() % 16 ? a.get() : nullptr;
                expect_status(from ? d.xxfi_envfrom(&ctx, argv) : d.xxfi_envrcpt(&ctx, argv));
                break;
            }
            case 4: {
                auto name = value(in), v = value(in);
                expect_status(d.xxfi_header(&ctx, name.data(), in.byte() % 8 ? v.data() : nullptr));
                break;
            }
            case 5:
                expect_status(d.xxfi_eoh(&ctx));
                break;
            case 6: {
                auto chunk = value(in);
                expect_status(
                    d.xxfi_body(&ctx, reinterpret_cast<unsigned char*>(chunk.data()), chunk.size()));
                break;
            }
            case 7:
                expect_status(d.xxfi_eom(&ctx));
                break;
            case 8:
                expect_status(d.xxfi_abort(&ctx));
                break;
            case 9:
                expect_status(d.xxfi_close(&ctx));
                break;
            case 10: {
                auto name = macro_names[in.byte() % std::size(macro_names)];
                ctx.macros[name] = value(in);
                break;
            }
            case 11: {
                unsigned long f[4] = {in.byte() * 0x1010101ul, in.byte() * 0x1010101ul, 0, 0};
                unsigned long out[4] = {};
                expect_status(
                    d.xxfi_negotiate(&ctx, f[0], f[1], f[2], f[3], &out[0], &out[1], &out[2], &out[3]));
                break;
            }
            case 12:
                ctx.calls_fail = !ctx.calls_fail;
                break;
            case 13: {
                auto v = std::string(std::size_t(in.byte()) * 512, 'y');
                std::string name = "X-Long";
                expect_status(d.xxfi_header(&ctx, name.data(), v.data()));
                break;
            }
        }
    }
    // libmilter always ends a connection with close: the state is freed.
    ctx.calls_fail = false;
    expect_status(d.xxfi_close(&ctx));
    if (ctx.priv) std::abort();  // close must have released it
    return 0;
}
