// A fuzzer over the milter protocol codec (milter/protocol.hpp): the
// input is what an MTA (or anything else) writes on the milter's socket.
// What must hold: nothing crashes, reads out of bounds (run it under
// ASan) or loops; every packet is either whole, incomplete or a
// protocol_error; every parser either returns strings that lie inside the
// packet's data and hold no NUL, or throws protocol_error; an odd macro
// count is always refused. Then the encoders: each string the input gives
// is encoded and read back as the MTA would read it. Last, the same bytes
// as a connection's packets to a conversation (milter/conversation.hpp:
// the session logic and engine behind it, the default policy), half the
// time after a proper negotiation: whatever comes, what it answers is
// whole packets of the protocol's responses, and after a packet that
// breaks the protocol it answers nothing more.
//
// Built as a CTest over a fixed, seeded set of inputs (session_fuzz_main.cpp)
// and, with -DSIFT_FUZZ=ON, as a libFuzzer target (scripts/fuzz-milter).
#include "conversation.hpp"
#include "engine.hpp"
#include "protocol.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace proto = sift::milter::proto;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() ||
           (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void check_string(std::string_view s, std::string_view data) {
    require(inside(s, data));
    require(s.find('\0') == std::string_view::npos);
}

void parse(const proto::packet& p) {
    try {
        switch (p.command) {
            case proto::cmd::optneg:
                proto::parse_options(p.data);
                require(p.data.size() >= 12);
                break;
            case proto::cmd::connect: {
                auto c = proto::parse_connect(p.data);
                check_string(c.host, p.data);
                check_string(c.address, p.data);
                require(c.family == 'U' || c.family == '4' || c.family == '6' || c.family == 'L');
                break;
            }
            case proto::cmd::macro: {
                auto m = proto::parse_macros(p.data);
                std::size_t strings = 0;
                for (const auto& [name, value] : m.values) {
                    check_string(name, p.data);
                    check_string(value, p.data);
                    strings += 2;
                }
                // Every string was a whole pair: as many NULs as strings.
                std::size_t nuls = 0;
                for (char c : p.data.substr(1)) nuls += c == '\0';
                require(nuls == strings);
                break;
            }
            case proto::cmd::header: {
                auto s = proto::parse_strings(p.data, 2, 2);
                require(s.size() == 2);
                for (auto v : s) check_string(v, p.data);
                break;
            }
            case proto::cmd::mail:
            case proto::cmd::rcpt:
            case proto::cmd::helo:
            case proto::cmd::unknown: {
                auto s = proto::parse_strings(p.data, 1, 64);
                require(!s.empty() && s.size() <= 64);
                for (auto v : s) check_string(v, p.data);
                break;
            }
            default:
                break;
        }
    } catch (const proto::protocol_error&) {
        // a broken packet: the connection would be closed
    }
}

// The string at `d`, read back from an encoded packet's data.
std::string_view cstr(std::string_view d, std::size_t at) {
    auto end = d.find('\0', at);
    require(end != std::string_view::npos);
    return d.substr(at, end - at);
}

void round_trip(std::string_view a, std::string_view b) {
    bool nul = a.find('\0') != std::string_view::npos || b.find('\0') != std::string_view::npos;
    std::string out;
    try {
        proto::put_add_header(out, a, b);
        proto::put_add_rcpt_par(out, a, b);
        proto::put_change_header(out, 7, a, b);
    } catch (const std::invalid_argument&) {
        require(nul);
        return;
    }
    require(!nul);
    std::string_view buf = out;
    proto::packet p;
    auto used = proto::read_packet(buf, p);
    require(used > 0 && p.command == proto::reply::add_header);
    require(cstr(p.data, 0) == a && cstr(p.data, a.size() + 1) == b &&
            p.data.size() == a.size() + b.size() + 2);
    buf.remove_prefix(used);
    used = proto::read_packet(buf, p);
    require(used > 0 && p.command == proto::reply::add_rcpt_par);
    require(cstr(p.data, 0) == a && cstr(p.data, a.size() + 1) == b);
    buf.remove_prefix(used);
    used = proto::read_packet(buf, p);
    require(used > 0 && p.command == proto::reply::change_header && p.data.size() >= 4);
    require(p.data.substr(0, 4) == std::string_view("\0\0\0\7", 4));
    require(cstr(p.data, 4) == a && cstr(p.data, 5 + a.size()) == b);
    buf.remove_prefix(used);
    require(buf.empty());
    // The body in chunks of at most 65535 bytes, together the body.
    std::string body(std::string(a) + std::string(b));
    body = std::string(std::size_t(static_cast<unsigned char>(a.empty() ? 0 : a[0])) * 1031, 'b') + body;
    out.clear();
    proto::put_replace_body(out, body);
    buf = out;
    std::string back;
    std::size_t packets = 0;
    while (!buf.empty()) {
        used = proto::read_packet(buf, p);
        require(used > 0 && p.command == proto::reply::replace_body && p.data.size() <= proto::chunk_size);
        back.append(p.data);
        buf.remove_prefix(used);
        ++packets;
    }
    require(back == body && packets >= 1);
}

const sift::milter::engine& the_engine() {
    static const auto* e = [] {
        sift::milter::settings s;
        s.scripts_dir = std::string(SIFT_TEST_DATA) + "/milter/scripts";
        return new sift::milter::engine(s, [](const std::string&) {});
    }();
    return *e;
}

// What a conversation wrote: whole packets of known responses.
void check_answers(std::string_view out) {
    while (!out.empty()) {
        proto::packet p;
        std::size_t used = 0;
        try {
            used = proto::read_packet(out, p, 0x7ffffffe);
        } catch (const proto::protocol_error&) {
            std::abort();
        }
        require(used > 0);
        require(std::string_view("+-2abcdehimqrstyO").find(p.command) != std::string_view::npos);
        out.remove_prefix(used);
    }
}

void converse(std::string_view in, bool negotiate) {
    sift::milter::conversation conv(the_engine(), in.size() % 2);
    std::string out;
    if (negotiate) {
        std::string o;
        proto::put_packet(o, proto::cmd::optneg,
                          std::string_view("\0\0\0\x06\0\0\x01\xff\0\x1f\xff\xff", 12));
        proto::packet p;
        proto::read_packet(o, p);
        require(conv.handle(p, out));
        check_answers(out);
        out.clear();
    }
    while (true) {
        proto::packet p;
        std::size_t used = 0;
        try {
            used = proto::read_packet(in, p, 4096);
        } catch (const proto::protocol_error&) {
            return;
        }
        if (used == 0) return;
        bool open = conv.handle(p, out);
        check_answers(out);
        out.clear();
        if (!open) return;
        in.remove_prefix(used);
    }
}

// The input read as a session: each byte chooses a command, the next
// ones its arguments, so that whole messages (macros, headers, a body,
// end-of-message with its edits) are reached, broken now and then (an odd
// macro count, a string with a NUL, an unknown stage).
void converse_structured(std::string_view in) {
    sift::milter::conversation conv(the_engine(), false);
    std::string out, o;
    std::size_t at = 0;
    auto byte = [&]() -> unsigned { return at < in.size() ? static_cast<unsigned char>(in[at++]) : 0u; };
    auto text = [&](std::size_t most) {
        std::size_t n = std::min<std::size_t>(byte() % (most + 1), in.size() - std::min(at, in.size()));
        std::string t(in.substr(std::min(at, in.size()), n));
        at += n;
        return t;
    };
    auto z = [](const std::string& t) { return t + std::string(1, '\0'); };
    proto::put_packet(o, proto::cmd::optneg, std::string_view("\0\0\0\x06\0\0\x01\xff\0\x1f\xff\xff", 12));
    const char* const rcpts[] = {"<bob@example.net>", "<refuser@example.net>", "<filer@example.net>",
                                 "<fwd@example.net>", "<>"};
    while (at < in.size()) {
        switch (byte() % 13) {
            case 0:
                proto::put_packet(o, proto::cmd::connect,
                                  z(text(20)) + std::string("4\0\x19", 3) + z("192.0.2.1"));
                break;
            case 1:
                proto::put_packet(o, proto::cmd::helo, z(byte() % 2 ? "mx.example.org" : text(20)));
                break;
            case 2:
                proto::put_packet(o, proto::cmd::mail,
                                  z("<alice@example.org>") + (byte() % 2 ? z(text(20)) : ""));
                break;
            case 3:
                proto::put_packet(o, proto::cmd::rcpt, z(rcpts[byte() % std::size(rcpts)]));
                break;
            case 4: {
                std::string d(1, "CHMRTNELBX"[byte() % 10]);
                for (unsigned i = byte() % 4; i > 0; --i) d += z(byte() % 2 ? "i" : text(8)) + z(text(16));
                if (byte() % 5 == 0) d += z(text(8));  // a name without its value
                proto::put_packet(o, proto::cmd::macro, d);
                break;
            }
            case 5:
                proto::put_packet(o, proto::cmd::header, z(byte() % 2 ? "Subject" : text(12)) + z(text(60)));
                break;
            case 6:
                proto::put_packet(o, proto::cmd::eoh);
                break;
            case 7:
                proto::put_packet(o, proto::cmd::body, text(255));
                break;
            case 8:
                proto::put_packet(o, proto::cmd::body_end, byte() % 4 ? "" : text(40));
                break;
            case 9:
                proto::put_packet(o, proto::cmd::abort);
                break;
            case 10:
                proto::put_packet(o, proto::cmd::quit_nc);
                break;
            case 11:
                proto::put_packet(o, proto::cmd::data);
                break;
            case 12:
                proto::put_packet(o, char(byte()), text(10));  // any command letter
                break;
        }
    }
    std::string_view buf = o;
    while (!buf.empty()) {
        proto::packet p;
        auto used = proto::read_packet(buf, p);
        require(used > 0);
        bool open = conv.handle(p, out);
        check_answers(out);
        out.clear();
        if (!open) return;
        buf.remove_prefix(used);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    // The bytes as a stream of packets, as a connection's reader takes
    // them; a small limit too, so that long lengths are refused often.
    for (std::size_t limit : {proto::max_data, std::size_t(300)}) {
        std::string_view buf = in;
        while (true) {
            proto::packet p;
            std::size_t used = 0;
            try {
                used = proto::read_packet(buf, p, limit);
            } catch (const proto::protocol_error&) {
                break;  // closed
            }
            if (used == 0) break;  // the rest is incomplete: more would be read
            require(used <= buf.size() && used == p.data.size() + 5 && p.data.size() <= limit);
            require(inside(p.data, buf));
            parse(p);
            buf.remove_prefix(used);
        }
    }
    // Each command letter over the whole input as its data.
    for (char c : std::string_view("OCDLMRHU")) parse({c, in});
    auto half = in.size() / 2;
    round_trip(in.substr(0, half), in.substr(half));
    converse(in, size % 3 != 0);
    converse_structured(in);
    return 0;
}
