// RFC 2047 encoded words, RFC 2045 transfer encodings, charset conversion.
// Expected values are the RFCs' own examples where they have one.
#include "mail/decode.hpp"
#include "mail/encode.hpp"
#include "mail/message.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace sift::mail {
namespace {

std::string dec(std::string_view s) {
    return message::decode(s);
}

// RFC 2047 §8, the table of "encoded form" -> "displayed as".
TEST(encoded_words, rfc2047_section8_examples) {
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?=)"), "(a)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
}

TEST(encoded_words, rfc2047_section8_headers) {
    EXPECT_EQ(dec(" =?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"), "Keith Moore <moore@cs.utk.edu>");
    EXPECT_EQ(dec(" =?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>"),
              "Keld J\u00f8rn Simonsen <keld@dkuug.dk>");
    EXPECT_EQ(dec(" =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"),
              "Andr\u00e9 Pirard <PIRARD@vm1.ulg.ac.be>");
    EXPECT_EQ(dec(" =?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
                  "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="),
              "If you can read this you understand the example.");
}

TEST(encoded_words, charsets) {
    EXPECT_EQ(dec("=?utf-8?B?4oKs?="), "\u20ac");
    EXPECT_EQ(dec("=?UTF-8?q?=E2=82=AC?="), "\u20ac");
    EXPECT_EQ(dec("=?windows-1252?Q?=80_5?="), "\u20ac 5");
    EXPECT_EQ(dec("=?Windows-1252?q?=93quoted=94?="), "\u201cquoted\u201d");
    EXPECT_EQ(dec("=?iso-8859-15?q?=A4?="), "\u20ac");
}

TEST(encoded_words, rfc2231_language_suffix) {
    EXPECT_EQ(dec("=?utf-8*en?Q?hello_world?="), "hello world");
    EXPECT_EQ(dec("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
}

TEST(encoded_words, character_split_between_adjacent_words) {
    // E2 82 | AC: the euro sign cut in two base64 words of one charset.
    EXPECT_EQ(dec("=?utf-8?B?4oI=?= =?utf-8?B?rA==?="), "\u20ac");
}

TEST(encoded_words, text_around_words_is_kept) {
    EXPECT_EQ(dec("Re: =?utf-8?q?caf=C3=A9?= ok"), "Re: caf\u00e9 ok");
    EXPECT_EQ(dec("a =?utf-8?q?b?= c =?utf-8?q?d?="), "a b c d");
    EXPECT_EQ(dec("no words here"), "no words here");
}

TEST(encoded_words, malformed_words_stay_as_written) {
    EXPECT_EQ(dec("=?utf-8?x?abc?="), "=?utf-8?x?abc?=");    // unknown encoding
    EXPECT_EQ(dec("=?utf-8?q?no end"), "=?utf-8?q?no end");  // unterminated
    EXPECT_EQ(dec("=?utf-8?q?a b?="), "=?utf-8?q?a b?=");    // space inside
    EXPECT_EQ(dec("=??q?abc?="), "=??q?abc?=");              // empty charset
    EXPECT_EQ(dec("=?utf-8?b?a*b?="), "=?utf-8?b?a*b?=");    // not base64
    EXPECT_EQ(dec("=?utf-8?q?ok?= =?bad"), "ok =?bad");
    EXPECT_EQ(dec("=?"), "=?");
    EXPECT_EQ(dec("=?utf-8?q?"
                  "?="),
              "");  // empty text is a valid empty word
}

TEST(encoded_words, unknown_charset_keeps_bytes_replacing_invalid_utf8) {
    EXPECT_EQ(dec("=?x-no-such-charset?q?abc?="), "abc");
    EXPECT_EQ(dec("=?x-no-such-charset?q?a=FFb?="), "a\uFFFDb");
    EXPECT_EQ(dec("=?utf-8//TRANSLIT?q?abc?="), "abc");
}

TEST(encoded_words, invalid_bytes_in_a_declared_charset) {
    EXPECT_EQ(dec("=?utf-8?q?a=C3?="), "a\uFFFD");
    EXPECT_EQ(dec("=?utf-8?q?=ED=A0=80?="), "\uFFFD\uFFFD\uFFFD");  // a surrogate
    EXPECT_EQ(dec("=?us-ascii?q?=C3=A9?="), "\u00e9");              // 8-bit "ascii" is read as UTF-8
}

// decode_header answers a value with no line break and no "=?" by
// trimming it, after one pass over it; everything else goes through
// unfold and the decoder. Line breaks, '=', '?' and encoded words at
// every offset of values up to 40 bytes, against the two steps made here.
TEST(encoded_words, decode_header_against_unfold_then_decode) {
    const std::string fills[] = {"a", " ", "\t", "=", "?"};
    const std::string marks[] = {
        "\r\n ", "\n", "\r", "=?", "=", "?", "?=", "=?utf-8?Q?x?=", "=?utf-8?B?eA==?="};
    std::size_t checked = 0;
    for (std::size_t len = 0; len <= 40; ++len) {
        for (const std::string& fill : fills) {
            for (const std::string& mark : marks) {
                for (std::size_t at = 0; at <= len; ++at) {
                    std::string v;
                    for (std::size_t i = 0; i < len; ++i) v += fill == "=" && i % 2 ? "b" : fill;
                    v.insert(at, mark);
                    for (std::string_view value : {std::string_view(v), std::string_view(v).substr(0, len)}) {
                        std::string s1, s2;
                        std::string_view u = unfold(value, s1);
                        std::string want =
                            u.find("=?") != std::string_view::npos ? decode_encoded_words(u) : std::string(u);
                        EXPECT_EQ(decode_header(value, s2), want) << value;
                        ++checked;
                    }
                }
            }
        }
    }
    EXPECT_GT(checked, 10000u);
}

TEST(base64, skips_line_breaks_and_junk) {
    std::string out;
    append_base64_decoded("SGVs bG8s\r\nIHdv*cmxk\r\n!IQ==\r\n", out);
    EXPECT_EQ(out, "Hello, world!");
}

// RFC 4648 §10's test vectors; 57 octets fill one 76-character line,
// and every line, the last too, ends in CRLF; decoding gives the octets back.
TEST(base64_lines, rfc4648_vectors_and_76_character_lines) {
    EXPECT_EQ(base64_lines(""), "");
    EXPECT_EQ(base64_lines("f"), "Zg==\r\n");
    EXPECT_EQ(base64_lines("fo"), "Zm8=\r\n");
    EXPECT_EQ(base64_lines("foo"), "Zm9v\r\n");
    EXPECT_EQ(base64_lines("foobar"), "Zm9vYmFy\r\n");
    EXPECT_EQ(base64_lines(std::string(57, '\0')), std::string(76, 'A') + "\r\n");
    EXPECT_EQ(base64_lines(std::string(58, '\xff')), std::string(76, '/') + "\r\n/w==\r\n");
    std::mt19937 rng(4648);
    for (std::size_t size : {1u, 56u, 57u, 58u, 114u, 1000u}) {
        std::string octets;
        for (std::size_t i = 0; i < size; ++i) octets += char(rng());
        std::string encoded = base64_lines(octets), back;
        decode_problems problems;
        append_base64_decoded(encoded, back, &problems);
        EXPECT_EQ(back, octets) << size;
        EXPECT_FALSE(problems.invalid_characters.count || problems.bad_padding.count) << size;
        for (std::size_t at = 0, next; at < encoded.size(); at = next + 2) {
            next = encoded.find("\r\n", at);
            ASSERT_NE(next, std::string::npos);
            EXPECT_LE(next - at, 76u);
        }
    }
}

// Base64 decoded the plain way, six bits a symbol, anything else skipped
// (for inputs without '='): what the decoder must give.
std::string six_bits_a_symbol(std::string_view in) {
    const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        auto v = alphabet.find(c);
        if (v == std::string_view::npos) continue;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return out;
}

// The decoder reads runs of 32 symbols at once where the CPU can (AVX2)
// and stops before a block holding anything else: every byte value at
// every place of such runs, and long lines with and without line breaks,
// decode as six bits a symbol, each byte outside the alphabet (line
// breaks apart) counted once.
TEST(base64, runs_of_symbols_decode_as_six_bits_a_symbol) {
    std::mt19937 rng(3548);
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string run;
    for (int i = 0; i < 100; ++i) run += alphabet[rng() % alphabet.size()];
    for (int byte = 0; byte < 256; ++byte) {
        if (byte == '=') continue;
        bool symbol = alphabet.find(char(byte)) != std::string::npos;
        bool counted = !symbol && byte != '\r' && byte != '\n';
        for (std::size_t at = 0; at < 70; ++at) {
            std::string in = run;
            in[at] = char(byte);
            std::string out;
            decode_problems problems;
            append_base64_decoded(in, out, &problems);
            ASSERT_EQ(out, six_bits_a_symbol(in)) << byte << " at " << at;
            ASSERT_EQ(problems.invalid_characters.count, counted ? 1u : 0u) << byte << " at " << at;
            if (counted) {
                EXPECT_EQ(problems.invalid_characters.first, at);
            }
        }
    }
    for (int round = 0; round < 200; ++round) {
        std::string octets;
        for (std::size_t i = 0, size = rng() % 2000; i < size; ++i) octets += char(rng());
        std::string lines = base64_lines(octets), one_line;
        for (char c : lines)
            if (c != '\r' && c != '\n') one_line += c;
        std::string out;
        append_base64_decoded(one_line, out);
        EXPECT_EQ(out, octets) << octets.size();
        // Appended to what a string holds already, as decoded_body's callers may.
        std::string after = "kept";
        append_base64_decoded(lines, after);
        EXPECT_EQ(after, "kept" + octets) << octets.size();
    }
}

TEST(base64, partial_quanta_and_concatenated_encodings) {
    std::string out;
    append_base64_decoded("YQ", out);  // "a" without padding
    EXPECT_EQ(out, "a");
    out.clear();
    append_base64_decoded("YQ==YWI=", out);
    EXPECT_EQ(out, "aab");
    out.clear();
    append_base64_decoded("Y", out);  // six bits: no whole octet
    EXPECT_EQ(out, "");
}

// What the decoder reads that is not as RFC 2045 §6.8 writes it
// (the message defects base64_character_invalid, base64_padding_malformed).
struct counted {
    std::string out;
    decode_problems problems;
};

counted base64(std::string_view in) {
    counted c;
    append_base64_decoded(in, c.out, &c.problems);
    decode_problems checked;
    check_base64(in, checked);  // the check-only pass counts the same
    EXPECT_EQ(checked.invalid_characters.count, c.problems.invalid_characters.count) << in;
    EXPECT_EQ(checked.bad_padding.count, c.problems.bad_padding.count) << in;
    EXPECT_EQ(checked.invalid_characters.first, c.problems.invalid_characters.first) << in;
    EXPECT_EQ(checked.bad_padding.first, c.problems.bad_padding.first) << in;
    EXPECT_EQ(checked.invalid_characters.why, c.problems.invalid_characters.why) << in;
    EXPECT_EQ(checked.bad_padding.why, c.problems.bad_padding.why) << in;
    std::string plain;
    append_base64_decoded(in, plain);  // counting changes nothing decoded
    EXPECT_EQ(plain, c.out) << in;
    return c;
}

// check_base64 skips the leading 64-byte blocks of symbols and line breaks
// without decoding them: long parts, with a problem before, inside and
// after such blocks and at every quantum position, count and locate the
// same problems as the decoding does (base64() above compares them).
TEST(base64_problems, long_parts_checked_as_decoded) {
    std::mt19937 rng(2045);
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int round = 0; round < 400; ++round) {
        std::string in;
        std::size_t lines = 1 + rng() % 6;
        for (std::size_t l = 0; l < lines; ++l) {
            std::size_t len = rng() % 80;
            for (std::size_t i = 0; i < len; ++i) in += alphabet[rng() % alphabet.size()];
            in += rng() % 3 ? "\r\n" : "\n";
        }
        // A few damaged or padding bytes anywhere, or none.
        for (std::size_t k = rng() % 3; k > 0 && !in.empty(); --k)
            in[rng() % in.size()] = "=*= !\t"[rng() % 6];
        if (rng() % 2) in += rng() % 2 ? "==" : "=";
        base64(in);
    }
}

// The check skips blocks of 64 symbols and line breaks (32 bytes a step
// with AVX2): every byte value at every place of the first blocks is
// counted as the decoding counts it (base64() compares them), once.
TEST(base64_problems, every_byte_in_skipped_blocks_is_checked) {
    std::mt19937 rng(6480);
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string run;
    for (int line = 0; line < 3; ++line) {
        for (int i = 0; i < 76; ++i) run += alphabet[rng() % alphabet.size()];
        run += "\r\n";
    }
    for (int byte = 0; byte < 256; ++byte) {
        bool counted =
            alphabet.find(char(byte)) == std::string::npos && byte != '\r' && byte != '\n' && byte != '=';
        for (std::size_t at = 0; at < 140; ++at) {
            std::string in = run;
            in[at] = char(byte);
            auto c = base64(in);
            ASSERT_EQ(c.problems.invalid_characters.count, counted ? 1u : 0u) << byte << " at " << at;
        }
    }
}

// The octets of `in` decoded one symbol at a time, the way RFC 2045 §6.8
// reads it: symbols only, a '=' ends the quantum (two symbols carry one
// octet, three carry two), anything else is skipped.
std::string base64_one_symbol_at_a_time(std::string_view in) {
    const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t acc = 0;
    int n = 0;
    auto flush = [&] {
        if (n == 2) out += char(acc >> 4);
        if (n == 3) out += char(acc >> 10), out += char((acc >> 2) & 0xFF);
        acc = 0, n = 0;
    };
    for (char c : in) {
        auto v = alphabet.find(c);
        if (c == '=') {
            flush();
        } else if (v != std::string_view::npos) {
            acc = acc << 6 | std::uint32_t(v);
            if (++n == 4)
                out += char(acc >> 16), out += char((acc >> 8) & 0xFF), out += char(acc & 0xFF), acc = 0,
                                                                                                 n = 0;
        }
    }
    flush();
    return out;
}

// The decoding takes whole quanta of four symbols at once where it can:
// random parts with junk, line breaks and padding anywhere give the octets
// of the symbol-at-a-time reading.
TEST(base64, quanta_at_once_decode_as_symbol_at_a_time) {
    std::mt19937 rng(2046);
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int round = 0; round < 2000; ++round) {
        std::string in;
        for (std::size_t len = rng() % 300, i = 0; i < len; ++i) {
            auto r = rng() % 40;
            in += r == 0   ? '='
                  : r == 1 ? '\n'
                  : r == 2 ? '*'
                  : r == 3 ? '\r'
                           : alphabet[rng() % alphabet.size()];
        }
        std::string out = "kept";  // appended to, not replaced
        append_base64_decoded(in, out);
        EXPECT_EQ(out, "kept" + base64_one_symbol_at_a_time(in)) << in;
    }
}

// RFC 2045 §6.8 as the decoder reads it, a byte at a time, its problems
// counted where it meets them: the decoder before its vector paths (the
// octets, the counts, the offsets and the texts must stay these).
counted base64_byte_at_a_time(std::string_view in) {
    const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    counted c;
    decode_problems& p = c.problems;
    std::uint32_t acc = 0;
    int n = 0, pad_due = 0;
    bool padded = false;
    std::size_t end = 0;
    auto flush = [&] {
        if (n == 2) c.out += char(acc >> 4);
        if (n == 3) c.out += char(acc >> 10), c.out += char((acc >> 2) & 0xFF);
        acc = 0, n = 0;
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
        char ch = in[i];
        auto v = alphabet.find(ch);
        if (ch == '=') {
            end = i + 1;
            if (n == 1) {
                p.bad_padding.note(i, "a lone symbol before '=' carries no whole octet");
            } else if (n == 0 && pad_due == 0) {
                p.bad_padding.note(i, "a '=' that pads nothing");
            }
            pad_due = n == 2 ? 1 : n == 0 && pad_due > 0 ? pad_due - 1 : 0;
            padded = true;
            flush();
        } else if (v == std::string_view::npos) {
            if (ch != '\r' && ch != '\n') p.invalid_characters.note(i, "a character outside the alphabet");
        } else {
            end = i + 1;
            if (padded) {
                p.bad_padding.note(
                    i, pad_due > 0 ? "padding cut short by more data" : "more data after the '=' padding");
                padded = false, pad_due = 0;
            }
            acc = acc << 6 | std::uint32_t(v);
            if (++n == 4)
                c.out += char(acc >> 16), c.out += char((acc >> 8) & 0xFF), c.out += char(acc & 0xFF),
                    acc = 0, n = 0;
        }
    }
    if (n == 1) {
        p.bad_padding.note(end, "a lone symbol at the end carries no whole octet");
    } else if (n > 1) {
        p.bad_padding.note(end, "the last quantum has no '=' padding");
    } else if (pad_due > 0) {
        p.bad_padding.note(end, "the '=' padding at the end is one short");
    }
    flush();
    return c;
}

void expect_as_byte_at_a_time(std::string_view in) {
    counted want = base64_byte_at_a_time(in);
    counted got = base64(in);  // the check-only pass compared too
    ASSERT_EQ(got.out, want.out) << in;
    for (auto [g, w] : {std::pair{&got.problems.invalid_characters, &want.problems.invalid_characters},
                        std::pair{&got.problems.bad_padding, &want.problems.bad_padding}}) {
        ASSERT_EQ(g->count, w->count) << in;
        ASSERT_EQ(g->first, w->first) << in;
        ASSERT_EQ(g->why, w->why) << in;
    }
    std::string after = "kept";  // appended to, not replaced
    append_base64_decoded(in, after);
    ASSERT_EQ(after, "kept" + want.out) << in;
}

// The vector decoder runs across line breaks (a line's last 32 symbols
// decoded again as one block when it has 32 or more in whole quanta): lines
// of every length around 32, 64 and 76, every kind of break, and damage
// (junk, '=' anywhere, padding missing or followed by data) decode and
// count as the byte-at-a-time reading does.
TEST(base64, lines_of_any_length_decode_as_byte_at_a_time) {
    std::mt19937 rng(7632);
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    auto symbols = [&](std::size_t k) {
        std::string s;
        for (std::size_t i = 0; i < k; ++i) s += alphabet[rng() % alphabet.size()];
        return s;
    };
    const std::size_t lengths[] = {0,  1,  3,  4,  28, 31, 32, 33, 35, 36, 40,  44,
                                   60, 63, 64, 65, 68, 72, 76, 77, 80, 96, 100, 128};
    const char* breaks[] = {"\r\n", "\n", "\r", "\r\n\r\n", "\n\n", "\r\r\n"};
    // Even lines, the last one short or not, every break kind.
    for (std::size_t len : lengths) {
        for (const char* brk : breaks) {
            for (std::size_t last :
                 {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(4), len}) {
                std::string in;
                for (int l = 0; l < 5; ++l) in += symbols(len) + brk;
                in += symbols(last);
                expect_as_byte_at_a_time(in);
                expect_as_byte_at_a_time(in + "=");
                expect_as_byte_at_a_time(in + "==" + brk);
                expect_as_byte_at_a_time(in + brk + "YQ==");  // data after padding? no: after a break
            }
        }
    }
    // 76-symbol lines with one byte changed at every place of the first
    // two lines: junk, '=', a space, a lone CR or LF.
    std::string lines;
    for (int l = 0; l < 4; ++l) lines += symbols(76) + "\r\n";
    for (char bad : {'*', '=', ' ', '\r', '\n', '\0', '\x80', '-', '_'}) {
        for (std::size_t at = 0; at < 160; ++at) {
            std::string in = lines;
            in[at] = bad;
            expect_as_byte_at_a_time(in);
        }
    }
    // Random lines and damage.
    for (int round = 0; round < 3000; ++round) {
        std::string in;
        for (std::size_t l = 0, count = rng() % 8; l < count; ++l) {
            std::size_t len = rng() % 3 ? lengths[rng() % std::size(lengths)] : rng() % 130;
            in += symbols(len);
            in += breaks[rng() % std::size(breaks)];
        }
        for (std::size_t k = rng() % 4; k > 0 && !in.empty(); --k)
            in[rng() % in.size()] = "=*= !\t\r\n"[rng() % 8];
        if (rng() % 2) in += rng() % 2 ? "==" : "=";
        if (rng() % 4 == 0) in += symbols(rng() % 40);
        expect_as_byte_at_a_time(in);
    }
}

TEST(base64, edges_decode_as_byte_at_a_time) {
    std::string l76(76, 'A'), l32(32, '/');
    for (std::string in :
         {std::string(), std::string("\r\n"), std::string(64, '\n'), std::string(200, '\n') + "YQ==", l32,
          l32 + "\r\n", l32 + "\r\n" + l32, l76 + "\r\n" + l76 + "\r\n=\r\n", l76 + "=" + l76,
          l76 + "\r\n*" + l76, l76 + "*\r\n" + l76, l76.substr(0, 75) + "\r\n" + l76,
          l76 + "\r\n" + l76.substr(0, 30) + "\r\n" + l76, l76 + l76 + "\r\n",
          l76 + "\r\n" + "YQ==YWI=" + "\r\n" + l76, l76 + "\r\n" + std::string(40, '\r') + l76 + "Zg",
          std::string(31, 'A') + "\r\n" + l76}) {
        expect_as_byte_at_a_time(in);
    }
}

TEST(base64_problems, none_in_well_formed_text_with_line_breaks) {
    for (const char* ok : {"SGVsbG8sIHdvcmxkIQ==\r\n", "SGVs\r\nbG8=\n", "YWJj", "YWI=", "YQ==", ""}) {
        auto c = base64(ok);
        EXPECT_FALSE(c.problems.any()) << ok;
    }
}

TEST(base64_problems, characters_outside_the_alphabet_are_counted_and_located) {
    auto c = base64("SGVs bG8s\r\nIHdv*cmxk\r\n!IQ==\r\n");
    EXPECT_EQ(c.out, "Hello, world!");
    EXPECT_EQ(c.problems.invalid_characters.count, 3u);  // ' ', '*', '!'
    EXPECT_EQ(c.problems.invalid_characters.first, 4u);
    EXPECT_EQ(c.problems.bad_padding.count, 0u);
}

TEST(base64_problems, padding_missing_short_long_or_followed_by_data) {
    struct row {
        const char* in;
        std::size_t first;
        std::string_view why;
    };
    for (const row& r :
         {row{"YQ", 2, "the last quantum has no '=' padding"},
          row{"YWI", 3, "the last quantum has no '=' padding"},
          row{"YQ=", 3, "the '=' padding at the end is one short"},
          row{"YQ===", 4, "a '=' that pads nothing"}, row{"=YWJj", 0, "a '=' that pads nothing"},
          row{"YWJj=", 4, "a '=' that pads nothing"}, row{"YQ==YWI=", 4, "more data after the '=' padding"},
          row{"YQ=YWI=", 3, "padding cut short by more data"},
          row{"Y", 1, "a lone symbol at the end carries no whole octet"},
          row{"YWJjZ===", 5, "a lone symbol before '=' carries no whole octet"}}) {
        auto c = base64(r.in);
        EXPECT_GE(c.problems.bad_padding.count, 1u) << r.in;
        EXPECT_EQ(c.problems.bad_padding.first, r.first) << r.in;
        EXPECT_EQ(c.problems.bad_padding.why, r.why) << r.in;
        EXPECT_EQ(c.problems.invalid_characters.count, 0u) << r.in;
    }
    EXPECT_EQ(base64("YQ==YWI=").out, "aab");  // still decoded as before
}

counted qp(std::string_view in) {
    counted c;
    append_qp_decoded(in, c.out, &c.problems);
    decode_problems checked;
    check_qp(in, checked);
    EXPECT_EQ(checked.bad_escapes.count, c.problems.bad_escapes.count) << in;
    EXPECT_EQ(checked.long_lines.count, c.problems.long_lines.count) << in;
    std::string plain;
    append_qp_decoded(in, plain);
    EXPECT_EQ(plain, c.out) << in;
    return c;
}

// RFC 2045 §6.7: "=XX" (lower-case hex too, as rule 1 lets a reader
// accept), soft line breaks with transport padding after them.
TEST(quoted_printable_problems, none_in_escapes_and_soft_breaks) {
    auto c = qp("caf=C3=a9  \r\nline=\t\r\n2=\r\nend=3D\r\n");
    EXPECT_EQ(c.out, "caf\u00e9\r\nline2end=\r\n");
    EXPECT_FALSE(c.problems.any());
}

TEST(quoted_printable_problems, a_malformed_equals_sign_is_counted_and_kept) {
    auto c = qp("ok\r\n=ZZ and =4\r\nx=G1=");
    EXPECT_EQ(c.out, "ok\r\n=ZZ and =4\r\nx=G1");  // the last '=' is a soft break
    EXPECT_EQ(c.problems.bad_escapes.count, 3u);
    EXPECT_EQ(c.problems.bad_escapes.first, 4u);
}

TEST(quoted_printable_problems, lines_over_76_characters_before_the_line_break) {
    std::string line76(76, 'a'), line77(77, 'b');
    EXPECT_FALSE(qp(line76 + "\r\n" + line76).problems.any());
    auto c = qp(line76 + "\r\n" + line77 + "\r\n" + line77 + "=\r\n");
    EXPECT_EQ(c.problems.long_lines.count, 2u);
    EXPECT_EQ(c.problems.long_lines.first, 78u);  // the start of the second line
}

// RFC 2045 §6.7.
TEST(quoted_printable, soft_line_breaks) {
    std::string out;
    append_qp_decoded("Now's the time =\r\nfor all folk to come=\r\n to the aid of their country.", out);
    EXPECT_EQ(out, "Now's the time for all folk to come to the aid of their country.");
}

TEST(quoted_printable, hex_trailing_space_and_malformed_equals) {
    std::string out;
    append_qp_decoded("caf=C3=a9  \nline=\t\n2\n=ZZ=4", out);
    EXPECT_EQ(out, "caf\u00e9\nline2\n=ZZ=4");
}

TEST(quoted_printable, line_endings_are_kept) {
    std::string out;
    append_qp_decoded("a\r\nb\nc", out);
    EXPECT_EQ(out, "a\r\nb\nc");
}

// Invalid bytes after, inside and before runs of ASCII long enough for the
// eight-at-a-time path: each becomes one U+FFFD, the rest is kept.
TEST(to_utf8, invalid_bytes_around_long_ascii_runs) {
    for (std::size_t before = 0; before < 20; ++before)
        for (std::size_t after = 0; after < 12; ++after) {
            std::string in = std::string(before, 'a') + "\xFF" + std::string(after, 'b') + "\xC3\xA9";
            std::string want =
                std::string(before, 'a') + "\xEF\xBF\xBD" + std::string(after, 'b') + "\xC3\xA9";
            EXPECT_EQ(to_utf8(in, "utf-8"), want) << before << " " << after;
        }
    EXPECT_EQ(to_utf8(std::string(16, 'a') + "\xE2\x82", "utf-8"),
              std::string(16, 'a') + "\xEF\xBF\xBD\xEF\xBF\xBD");
}

// ASCII is skipped 32 bytes a step, then eight: a valid, an invalid and a
// cut sequence at every offset around those steps, for to_utf8 and
// is_valid_utf8.
TEST(to_utf8, sequences_at_every_offset_of_ascii_runs) {
    const std::string fffd = "\xEF\xBF\xBD";
    const std::vector<std::pair<std::string, std::string>> cases{{"\xC3\xA9", "\xC3\xA9"},
                                                                 {"\xE2\x82\xAC", "\xE2\x82\xAC"},
                                                                 {"\xFF", fffd},
                                                                 {"\xE2\x82", fffd + fffd}};
    for (std::size_t before = 0; before <= 70; ++before)
        for (std::size_t after = 0; after <= 40; after += 3)
            for (const auto& [in, out] : cases) {
                std::string text = std::string(before, 'a') + in + std::string(after, 'b');
                EXPECT_EQ(to_utf8(text, "utf-8"), std::string(before, 'a') + out + std::string(after, 'b'))
                    << before << " " << after;
                EXPECT_EQ(is_valid_utf8(text), in == out) << before << " " << after;
            }
    EXPECT_TRUE(is_valid_utf8(std::string(100, 'a')));
    EXPECT_TRUE(is_valid_utf8(""));
}

TEST(to_utf8, converts_and_replaces) {
    EXPECT_EQ(to_utf8("\xe9t\xe9", "ISO-8859-1"), "\u00e9t\u00e9");
    EXPECT_EQ(to_utf8("\x80", "windows-1252"), "\u20ac");
    EXPECT_EQ(to_utf8("ok\xff", "utf-8"), "ok\uFFFD");
    EXPECT_EQ(to_utf8("ok\xff", "no-such-charset"), "ok\uFFFD");
    EXPECT_EQ(to_utf8("\x81", "windows-1252"), "\uFFFD");  // 0x81 is unassigned
    EXPECT_EQ(to_utf8("", "iso-8859-1"), "");
}

TEST(to_utf8, labels_glibc_does_not_know) {
    // Outlook's ks_c_5601-1987 is CP949 (the WHATWG Encoding Standard's
    // euc-kr); glibc's iconv has no such name. "\xc0\xcc\xba\xa5\xc6\xae"
    // is "이벤트" in CP949, as Python's cp949 codec encodes it.
    EXPECT_EQ(to_utf8("\xc0\xcc\xba\xa5\xc6\xae", "ks_c_5601-1987"), "\xec\x9d\xb4\xeb\xb2\xa4\xed\x8a\xb8");
    EXPECT_EQ(to_utf8("\xc0\xcc\xba\xa5\xc6\xae", "KS_C_5601-1987"), "\xec\x9d\xb4\xeb\xb2\xa4\xed\x8a\xb8");
    EXPECT_EQ(decode_encoded_words("=?ks_c_5601-1987?B?wMy6pcau?="), "\xec\x9d\xb4\xeb\xb2\xa4\xed\x8a\xb8");
    // "\xcf\xf0\xe8" is "При" in windows-1251 under the label x-cp1251.
    EXPECT_EQ(to_utf8("\xcf\xf0\xe8", "x-cp1251"), "\xd0\x9f\xd1\x80\xd0\xb8");
}

TEST(to_utf8, stateful_charset) {
    // ISO-2022-JP: ESC $ B, JIS 0x3B7A (U+8A66 "試"), ESC ( B.
    EXPECT_EQ(to_utf8("\x1b$B;n\x1b(B", "iso-2022-jp"), "\u8a66");
}

// encode_words: every line of the field, the first too (after the field
// name), stays within 78 octets (RFC 5322 §2.1.1) and decodes back.
TEST(encoded_words, labels_are_the_words_decoded) {
    // Charsets as written (the *language suffix dropped), letters lower-cased,
    // and only the words decode_encoded_words() decodes.
    auto labels = encoded_word_labels(
        "=?KS_C_5601-1987?B?wMy6pcau?= x=?koi8-r*ru?q?=F0?=y "
        "=?big5?X?abc?= =?gb2312?B?not base64?= =?euc-kr?B?***?=");
    ASSERT_EQ(labels.size(), 2u);
    EXPECT_EQ(labels[0].charset, "KS_C_5601-1987");
    EXPECT_EQ(labels[0].encoding, 'b');
    EXPECT_EQ(labels[1].charset, "koi8-r");
    EXPECT_EQ(labels[1].encoding, 'q');
    EXPECT_TRUE(encoded_word_labels("plain =? text ?=").empty());
}

TEST(encoded_words, encoding_keeps_lines_within_78_octets) {
    std::string text;
    for (int i = 0; i < 30; ++i) text += "Grüße \xe6\x97\xa5\xf0\x9f\x98\x80 ";
    for (std::size_t used : {0u, 9u, 30u, 57u}) {
        auto field = std::string(used, 'x') + encode_words(text, used);
        for (std::size_t at = 0, next; at <= field.size(); at = next + 2) {
            next = std::min(field.find("\r\n", at), field.size());
            EXPECT_LE(next - at, 78u) << "used " << used;
        }
        EXPECT_EQ(dec(field.substr(used)), text) << "used " << used;
    }
}

}  // namespace
}  // namespace sift::mail
