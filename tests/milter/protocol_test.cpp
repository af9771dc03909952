// The milter protocol codec (milter/protocol.hpp) against packets written
// out by hand from libmilter's mfdef.h and Postfix's milter8.c: lengths,
// command letters, NULs, network byte order.
#include "protocol.hpp"

#include <gtest/gtest.h>

#include <string>

namespace proto = sift::milter::proto;
using namespace std::literals;

namespace {

proto::packet one(const std::string& bytes, std::size_t* used = nullptr) {
    proto::packet p;
    auto n = proto::read_packet(bytes, p);
    if (used) *used = n;
    return p;
}

}  // namespace

TEST(MilterProtocol, ReadsWholePacketsOnly) {
    std::string helo = "\0\0\0\x10Hmx.example.org\0"s;  // 16 = 'H' + 14 + NUL
    std::size_t used = 0;
    auto p = one(helo, &used);
    EXPECT_EQ(used, 20u);
    EXPECT_EQ(p.command, 'H');
    EXPECT_EQ(p.data, "mx.example.org\0"s);
    // One byte short, or only the length: not yet a packet.
    proto::packet q;
    EXPECT_EQ(proto::read_packet(std::string_view(helo).substr(0, 19), q), 0u);
    EXPECT_EQ(proto::read_packet("\0\0"s, q), 0u);
    // Two packets back to back: the first, then the second.
    std::string two = "\0\0\0\x01N"s + "\0\0\0\x01Q"s;
    EXPECT_EQ(proto::read_packet(two, q), 5u);
    EXPECT_EQ(q.command, 'N');
    EXPECT_TRUE(q.data.empty());
}

TEST(MilterProtocol, RefusesBadLengths) {
    proto::packet p;
    EXPECT_THROW(proto::read_packet("\0\0\0\0"s, p), proto::protocol_error);
    // Near 2^31 and 2^32: refused from the header alone, nothing allocated.
    EXPECT_THROW(proto::read_packet("\x7f\xff\xff\xffX"s, p), proto::protocol_error);
    EXPECT_THROW(proto::read_packet("\xff\xff\xff\xff"s, p), proto::protocol_error);
    // The limit is the data's: 1 MiB - 1 of data passes the check.
    EXPECT_EQ(proto::read_packet("\x00\x10\x00\x00"s + "B", p), 0u);
    EXPECT_THROW(proto::read_packet("\x00\x10\x00\x01"s + "B", p), proto::protocol_error);
}

TEST(MilterProtocol, Options) {
    auto o = proto::parse_options("\0\0\0\x06\0\0\x01\xff\0\x1f\xff\xff"sv);
    EXPECT_EQ(o.version, 6u);
    EXPECT_EQ(o.actions, 0x1ffu);
    EXPECT_EQ(o.steps, 0x1fffffu);
    EXPECT_THROW(proto::parse_options("\0\0\0\x06\0\0"sv), proto::protocol_error);
    std::string out;
    proto::put_options(out, {6, 0x1ff, 0x1400});
    EXPECT_EQ(out, "\0\0\0\x0dO\0\0\0\x06\0\0\x01\xff\0\0\x14\0"s);
}

TEST(MilterProtocol, Connect) {
    auto c = proto::parse_connect(
        "client.example\0"
        "4\0\x19"
        "192.0.2.10\0"sv);
    EXPECT_EQ(c.host, "client.example");
    EXPECT_EQ(c.family, '4');
    EXPECT_EQ(c.port, 25);
    EXPECT_EQ(c.address, "192.0.2.10");
    auto u = proto::parse_connect("localhost\0U"sv);
    EXPECT_EQ(u.family, 'U');
    EXPECT_TRUE(u.address.empty());
    auto l = proto::parse_connect("localhost\0L\0\0/run/x.sock\0"sv);
    EXPECT_EQ(l.address, "/run/x.sock");
    EXPECT_THROW(proto::parse_connect("client.example"sv), proto::protocol_error);    // no NUL
    EXPECT_THROW(proto::parse_connect("client.example\0"sv), proto::protocol_error);  // no family
    EXPECT_THROW(proto::parse_connect("h\0"
                                      "4\0"sv),
                 proto::protocol_error);  // half a port
    EXPECT_THROW(proto::parse_connect("h\0"
                                      "4\0\x19"
                                      "192.0.2.10"sv),
                 proto::protocol_error);  // no NUL
    EXPECT_THROW(proto::parse_connect("h\0X\0\x19"
                                      "a\0"sv),
                 proto::protocol_error);  // family X
    EXPECT_THROW(proto::parse_connect("h\0U"
                                      "junk"sv),
                 proto::protocol_error);
}

TEST(MilterProtocol, MacrosInPairsOnly) {
    auto m = proto::parse_macros(
        "Ri\0"
        "4XyZ1\0{rcpt_addr}\0bob@example.net\0"sv);
    EXPECT_EQ(m.command, 'R');
    ASSERT_EQ(m.values.size(), 2u);
    EXPECT_EQ(m.values[0].first, "i");
    EXPECT_EQ(m.values[0].second, "4XyZ1");
    EXPECT_EQ(m.values[1].first, "{rcpt_addr}");
    EXPECT_EQ(m.values[1].second, "bob@example.net");
    EXPECT_TRUE(proto::parse_macros("C"sv).values.empty());
    // The packet that crashes libmilter's smfi_getsymval: a name without its value.
    EXPECT_THROW(proto::parse_macros("Ci\0"sv), proto::protocol_error);
    EXPECT_THROW(proto::parse_macros("Ci\0x\0j\0"sv), proto::protocol_error);
    EXPECT_THROW(proto::parse_macros("Ci\0x"sv), proto::protocol_error);  // a value without its NUL
    EXPECT_THROW(proto::parse_macros(""sv), proto::protocol_error);
}

TEST(MilterProtocol, Strings) {
    auto s = proto::parse_strings("<a@b>\0SIZE=10\0BODY=8BITMIME\0"sv, 1, 64);
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[2], "BODY=8BITMIME");
    auto h = proto::parse_strings("Subject\0\0"sv, 2, 2);  // an empty value
    EXPECT_EQ(h[0], "Subject");
    EXPECT_EQ(h[1], "");
    EXPECT_THROW(proto::parse_strings("Subject\0"sv, 2, 2), proto::protocol_error);
    EXPECT_THROW(proto::parse_strings("a\0b\0c\0"sv, 2, 2), proto::protocol_error);
    EXPECT_THROW(proto::parse_strings(""sv, 1, 64), proto::protocol_error);
    EXPECT_THROW(proto::parse_strings("<a@b>"sv, 1, 64), proto::protocol_error);
}

TEST(MilterProtocol, Actions) {
    std::string out;
    proto::put_add_header(out, "X-Spam-Score", "0");
    EXPECT_EQ(out,
              "\0\0\0\x10hX-Spam-Score\0"
              "0\0"s);
    out.clear();
    proto::put_insert_header(out, 0, "X-A", "b");
    EXPECT_EQ(out, "\0\0\0\x0bi\0\0\0\0X-A\0b\0"s);
    out.clear();
    proto::put_change_header(out, 2, "X-Spam-Flag", "");  // delete the second
    EXPECT_EQ(out, "\0\0\0\x12m\0\0\0\x02X-Spam-Flag\0\0"s);
    out.clear();
    proto::put_add_rcpt_par(out, "<b+Junk@x>", "ORCPT=rfc822;b@x");
    EXPECT_EQ(out,
              "\0\0\0\x1d"
              "2<b+Junk@x>\0ORCPT=rfc822;b@x\0"s);
    out.clear();
    proto::put_delete_rcpt(out, "<b@x>");
    proto::put_add_rcpt(out, "<c@x>");
    EXPECT_EQ(out, "\0\0\0\x07-<b@x>\0"s + "\0\0\0\x07+<c@x>\0"s);
    out.clear();
    proto::put_change_from(out, "<s@x>", "");
    proto::put_change_from(out, "<s@x>", "RET=HDRS");
    EXPECT_EQ(out,
              "\0\0\0\x07"
              "e<s@x>\0"s +
                  "\0\0\0\x10"
                  "e<s@x>\0RET=HDRS\0"s);
    out.clear();
    proto::put_quarantine(out, "held");
    EXPECT_EQ(out, "\0\0\0\x06qheld\0"s);
    out.clear();
    proto::put_reply_code(out, "550-5.7.1 a\r\n550 5.7.1 b");
    EXPECT_EQ(out, "\0\0\0\x1ay550-5.7.1 a\r\n550 5.7.1 b\0"s);
    EXPECT_THROW(proto::put_add_header(out, "X\0Y"s, "v"), std::invalid_argument);
}

TEST(MilterProtocol, ReplaceBodyInChunks) {
    std::string out;
    proto::put_replace_body(out, std::string(65535 * 2 + 1, 'x'));
    // Three packets: 65535, 65535 and 1 byte of data.
    ASSERT_EQ(out.size(), 3 * 5 + 65535 * 2 + 1u);
    EXPECT_EQ(out.substr(0, 5), "\0\x01\0\0b"s);  // 65536 = 'b' + 65535
    EXPECT_EQ(out.substr(5 + 65535, 5), "\0\x01\0\0b"s);
    EXPECT_EQ(out.substr(2 * (5 + 65535), 6),
              "\0\0\0\x02"
              "bx"s);
    out.clear();
    proto::put_replace_body(out, "");
    EXPECT_EQ(out,
              "\0\0\0\x01"
              "b"s);
}
