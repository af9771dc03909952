// vnd.sift.link: the links of a message with their shown texts. Every
// expected host, text and trait below is read off the markup by hand.
#include "test_support.hpp"

#include "ext/link/links.hpp"

#include <random>

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::link_tests {
namespace {

constexpr const char* prelude =
    "require [\"vnd.sift.link\", \"relational\", \"fileinto\", \"variables\", "
    "\"comparator-i;ascii-numeric\"];\n";

std::string multipart(const std::string& plain, const std::string& html,
                      const std::string& html_headers = "") {
    return "From: a@example.com\r\nTo: b@example.net\r\nSubject: links\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n"
           "--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" +
           plain + "\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n" + html_headers + "\r\n" + html +
           "\r\n--b--\r\n";
}

// A phishing message: a shown host broken by tags, a brand name, an IP
// literal with a port, a user name before the host, an escaped host.
const std::string phish =
    multipart("Your account: http://plain.example.org/login. Or www.help.example.net",
              "<html><body><p>Log in at <a href=\"http://evil.example/x\">www.pay<b>pal</b>.com</a>\r\n"
              "or <a href='https://www.paypal.com/'>PayPal</a> or <a href=\"http://%65vil.com/\">PayPal</a>"
              "<a href=\"http://1.2.3.4:8080/a\">here</a> <a href=mailto:x@example.com>mail us</a>"
              "<a href=\"http://www.bank.com@evil.example/\"><img src=\"logo.gif\" alt=\"Bank.com\"></a>"
              "<script>location='http://script.example.com/'</script></p></body></html>");

bool holds(const std::string& test, const std::string& msg) {
    auto s = compiled(std::string(prelude) + "if " + test + " { fileinto \"yes\"; }");
    auto r = s.run(message::from_raw(msg), default_envelope());
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front());
    return !r.folders().empty() && *r.folders().begin() == "yes";
}

std::string first_folder(const std::string& script, const std::string& msg) {
    auto s = compiled(std::string(prelude) + script);
    auto r = s.run(message::from_raw(msg), default_envelope());
    return r.folders().empty() ? "" : *r.folders().begin();
}

TEST(link, urls_hosts_and_texts) {
    EXPECT_TRUE(holds("link \"http://evil.example/x\"", phish));
    EXPECT_TRUE(holds("link :host \"evil.example\"", phish));
    EXPECT_TRUE(holds("link :host \"evil.com\"", phish));        // %65 decoded
    EXPECT_TRUE(holds("link :text \"www.paypal.com\"", phish));  // <b> does not split the text
    EXPECT_TRUE(holds("link :text \"Bank.com\"", phish));        // an image's alt text
    EXPECT_TRUE(holds("link :shownhost \"bank.com\"", phish));
    EXPECT_TRUE(holds("link :shownhost \"www.paypal.com\"", phish));
    // URLs in plain text, trailing punctuation left out; none from a
    // script, none but web links.
    EXPECT_TRUE(holds("link \"http://plain.example.org/login\"", phish));
    EXPECT_TRUE(holds("link :host \"www.help.example.net\"", phish));
    EXPECT_FALSE(holds("link :host \"script.example.com\"", phish));
    EXPECT_FALSE(holds("link :contains \"mailto\"", phish));
    // 5 links in the HTML (not the mailto:), 2 in the text.
    EXPECT_TRUE(holds("link :count \"eq\" :comparator \"i;ascii-numeric\" \"7\"", phish));
    EXPECT_EQ(first_folder("if link :text :matches \"www.*.com\" { fileinto \"${1}\"; }", phish), "paypal");
}

TEST(link, traits) {
    EXPECT_TRUE(holds("link :trait \"mismatch\"", phish));
    EXPECT_TRUE(holds("link :trait \"ip\"", phish));
    EXPECT_TRUE(holds("link :trait \"port\"", phish));
    EXPECT_TRUE(holds("link :trait \"userinfo\"", phish));
    EXPECT_TRUE(holds("link :trait \"encoded\"", phish));
    EXPECT_FALSE(holds("link :trait \"malformed\"", phish));
    // :count counts the trait values: mismatch twice (www.paypal.com and
    // Bank.com shown, evil.example opened), encoded, ip, port, userinfo.
    EXPECT_TRUE(holds("link :trait :count \"eq\" :comparator \"i;ascii-numeric\" \"6\"", phish));
    auto bad = multipart("see http//.evil.example/x or http:\\\\other.example.com/ now",
                         "<a href=\"https//www.example.com/\">x</a>");
    EXPECT_TRUE(holds("link :trait \"malformed\"", bad));
    EXPECT_TRUE(holds("link :trait :count \"eq\" :comparator \"i;ascii-numeric\" \"3\"", bad));
    EXPECT_TRUE(holds("link :host \"evil.example\"", bad));
    EXPECT_FALSE(holds("link :trait \"mismatch\"", bad));
}

// Without links, or without a link with a trait, the tests are answered
// at once: false, but a :count of no values, which is 0.
TEST(link, no_links_and_no_traits) {
    auto none = multipart("no links here", "<p>nor here</p>");
    auto plain = multipart("see http://plain.example.com/ now", "");
    for (const auto* msg : {&none, &plain}) {
        EXPECT_FALSE(holds("link :trait \"ip\"", *msg));
        EXPECT_FALSE(holds("link :trait :matches \"*\"", *msg));
        EXPECT_FALSE(holds("link :brand \"plain.example.com\"", *msg));
        EXPECT_TRUE(holds("link :trait :count \"eq\" :comparator \"i;ascii-numeric\" \"0\"", *msg));
    }
    EXPECT_FALSE(holds("link :matches \"*\"", none));
    EXPECT_TRUE(holds("link :count \"eq\" :comparator \"i;ascii-numeric\" \"0\"", none));
    EXPECT_TRUE(holds("link :host \"plain.example.com\"", plain));
    EXPECT_TRUE(holds("link :count \"eq\" :comparator \"i;ascii-numeric\" \"1\"", plain));
}

TEST(link, same_domain_is_no_mismatch) {
    auto own = multipart("",
                         "<a href=\"http://click.shop.co.uk/r?1\">www.shop.co.uk</a>"
                         "<a href=\"https://www.example.com/a\">http://example.com/b</a>"
                         "<a href=\"http://example.com/\">Example &amp; Co</a>");
    EXPECT_FALSE(holds("link :trait \"mismatch\"", own));
    EXPECT_TRUE(holds("link :shownhost \"www.shop.co.uk\"", own));
    EXPECT_TRUE(holds("link :text \"Example & Co\"", own));  // the reference decoded
    // A registered domain differs under one public suffix: co.uk.
    auto other = multipart("", "<a href=\"http://shop2.co.uk/\">shop.co.uk</a>");
    EXPECT_TRUE(holds("link :trait \"mismatch\"", other));
}

TEST(link, brand) {
    EXPECT_TRUE(holds("link :brand \"paypal.com\"", phish));  // "PayPal" -> evil.com
    EXPECT_TRUE(holds("link :brand [\"ebay.com\", \"bank.com\"]", phish));
    EXPECT_FALSE(holds("link :brand \"ebay.com\"", phish));
    auto genuine = multipart("",
                             "<a href=\"https://www.paypal.com/x\">PayPal</a>"
                             "<a href=\"https://www.paypal.com/y\">paypal.com</a>");
    EXPECT_FALSE(holds("link :brand \"paypal.com\"", genuine));
    // A word inside another is not the brand.
    auto word = multipart("", "<a href=\"http://evil.example/\">mypaypalish offer</a>");
    EXPECT_FALSE(holds("link :brand \"paypal.com\"", word));
    // A URL in plain text shows only itself: its host decides.
    auto plain = multipart("http://paypal.evil.example/", "");
    EXPECT_FALSE(holds("link :brand \"paypal.com\"", plain));
}

TEST(link, messages_without_links_and_bounds) {
    auto none = std::string("From: a@example.com\r\nSubject: x\r\n\r\nNo links, httpd.conf, HTTP/1.1.\r\n");
    EXPECT_FALSE(holds("link :matches \"*\"", none));
    EXPECT_TRUE(holds("link :count \"eq\" :comparator \"i;ascii-numeric\" \"0\"", none));
    // At most 1000 links a message.
    std::string many;
    for (int i = 0; i < 1500; ++i) many += "<a href=\"http://h" + std::to_string(i) + ".example.com/\">x</a>";
    auto big = multipart("", many);
    EXPECT_TRUE(holds("link :count \"eq\" :comparator \"i;ascii-numeric\" \"1000\"", big));
    EXPECT_TRUE(holds("link :host \"h999.example.com\"", big));
    EXPECT_FALSE(holds("link :host \"h1000.example.com\"", big));
    // Unclosed and nested anchors, junk markup: read as recovered.
    auto junk = multipart("",
                          "<a href=\"http://a.example.com/\">one<a href=\"http://b.example.com/\">two"
                          "<<table><td>x</a></b></i><a href=\"http://c.example.com/\">three");
    EXPECT_TRUE(holds("link :count \"eq\" :comparator \"i;ascii-numeric\" \"3\"", junk));
    EXPECT_TRUE(holds("link :text \"one\"", junk));
    EXPECT_TRUE(holds("link :text \"three\"", junk));
}

TEST(link, html_in_other_charsets_and_inside_messages) {
    // A windows-1251 part is converted to UTF-8 before parsing; its
    // <meta charset> does not change that.
    std::string cyr =
        "<meta charset=\"iso-8859-1\"><a href=\"http://x.example.com/\">\xcf\xf0\xe8\xe2\xe5\xf2</a>";
    auto msg = std::string(
                   "From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: text/html; charset=windows-1251\r\n\r\n") +
               cyr + "\r\n";
    EXPECT_TRUE(holds("link :text \"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\"", msg));  // "Привет"
    auto outer = std::string(
                     "From: c@example.com\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
                     "Content-Type: message/rfc822\r\n\r\n") +
                 phish;
    EXPECT_TRUE(holds("link :trait \"userinfo\"", outer));
}

TEST(link, parse_url) {
    auto u = ext::parse_url("HTTP://User:pw@WWW.Example.COM.:81/path");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "www.example.com");
    EXPECT_EQ(u->traits, ext::trait_userinfo | ext::trait_port);
    EXPECT_EQ(ext::parse_url("http://[2001:db8::1]:443/")->traits, ext::trait_ip);
    EXPECT_EQ(ext::parse_url("http://0xC0.0xA8.0.1/")->traits, ext::trait_ip);
    EXPECT_EQ(ext::parse_url("http://123.example.com/")->traits, 0);
    EXPECT_EQ(ext::parse_url("http:/one.example.com")->traits, ext::trait_malformed);
    EXPECT_EQ(ext::parse_url("http://")->traits, ext::trait_malformed);
    EXPECT_EQ(ext::parse_url("http://a..b.com/")->traits, ext::trait_malformed);
    EXPECT_FALSE(ext::parse_url("mailto:a@example.com"));
    EXPECT_FALSE(ext::parse_url("/relative/path"));
    EXPECT_FALSE(ext::parse_url("httpd.conf"));
    EXPECT_EQ(ext::named_host("Sign in at PayPal.com today"), "paypal.com");
    EXPECT_EQ(ext::named_host("john.smith wrote 3.5 items"), "");
    EXPECT_EQ(ext::named_host("PayPal"), "");
}

// The text scan steps over 64-octet blocks where no URL can begin: a URL
// is found wherever it starts and ends relative to those blocks, in
// either case, and text around it that only looks like one is no link.
// The last octets of a text, fewer than a block reaches, are told free of
// URLs from a copy padded with NULs (tail_free): a URL ending the text at
// any length is found, and NULs, near misses and high octets there make
// none.
TEST(link, urls_in_the_tail_of_a_text) {
    const std::string filler = "the path, htt ww. attp ";
    for (std::size_t n = 0; n < 200; ++n) {
        std::string f;
        while (f.size() < n) f += filler;
        f.resize(n);
        for (std::string url : {"www.e.co", "hTtP://e.co", "https://f.example/x"}) {
            std::vector<ext::link> out;
            ext::text_links(f + " " + url, ext::link_limits{}, out);
            ASSERT_EQ(out.size(), 1u) << n << " " << url;
            EXPECT_EQ(out[0].url, url);
        }
        for (std::string miss : {std::string("\0ttp", 4), std::string("w\0w.", 4), std::string("\xe8ttp ww"),
                                 std::string("htt"), std::string("ww")}) {
            std::vector<ext::link> out;
            ext::text_links(f + miss, ext::link_limits{}, out);
            EXPECT_TRUE(out.empty()) << n;
        }
    }
}

TEST(link, urls_in_text_at_every_offset) {
    // Near misses: no "http", "www."; "attp" and "ww." make a block be scanned.
    const std::string filler = "hot tea. w.w the path, htt www htp attp ww.x ";
    auto fill = [&](std::size_t n) {
        std::string f;
        while (f.size() < n) f += filler;
        f.resize(n);
        return f;
    };
    struct form {
        std::string written, host;
    };
    const form forms[] = {{"http://a.example.com/x", "a.example.com"},
                          {"HTTPS://B.Example.COM/", "b.example.com"},
                          {"www.c.example.org", "www.c.example.org"},
                          {"WwW.D.example.net/p?q=1", "www.d.example.net"}};
    for (const auto& f : forms)
        for (std::size_t before = 0; before < 140; ++before)
            for (std::size_t after : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{70}}) {
                auto text = fill(before) + " " + f.written + (after ? " " + fill(after - 1) : "");
                std::vector<ext::link> out;
                ext::text_links(text, ext::link_limits{}, out);
                ASSERT_EQ(out.size(), 1u) << before << " " << after << " " << text;
                EXPECT_EQ(out[0].url, f.written);
                EXPECT_EQ(out[0].host, f.host);
            }
    // Two URLs blocks apart, and octets that or-ed with 0x20 read as
    // "www." (0x0e or-ed with 0x20 is '.'): scanned, and no link.
    std::string two = "see http://one.example.com/ " + fill(300) + " and www.two.example.com";
    std::vector<ext::link> out;
    ext::text_links(two, ext::link_limits{}, out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].host, "one.example.com");
    EXPECT_EQ(out[1].host, "www.two.example.com");
    out.clear();
    ext::text_links(fill(100) + " WWW\x0eexample.com " + fill(100), ext::link_limits{}, out);
    EXPECT_TRUE(out.empty());
}

bool same_links(const std::vector<ext::link>& a, const std::vector<ext::link>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].url != b[i].url || a[i].host != b[i].host || a[i].text != b[i].text ||
            a[i].shown_host != b[i].shown_host || a[i].traits != b[i].traits || a[i].html != b[i].html)
            return false;
    return true;
}

// html_links leaves libxml2 out where html_may_have_links says it finds
// nothing: random HTML made of near-URLs, markup between their letters,
// character references, control octets, NUL, invalid UTF-8 and U+FFFE
// (which the parser drops) must give the links a parse gives, and some of
// it must be left out, and some of what is left in must hold links.
TEST(link, html_left_unparsed_only_when_it_has_no_link) {
    const std::vector<std::string> pieces = {"h",
                                             "t",
                                             "p",
                                             "w",
                                             ".",
                                             "ht",
                                             "tp",
                                             "ww",
                                             "www",
                                             "http",
                                             ":",
                                             "//",
                                             "/",
                                             "x",
                                             "example",
                                             ".com",
                                             " ",
                                             "\n",
                                             "\r",
                                             "\t",
                                             "<b>",
                                             "</b>",
                                             "<br>",
                                             "<p>",
                                             "<!-- c -->",
                                             "<script>w</script>",
                                             "<i>",
                                             "</i>",
                                             "&amp;",
                                             "&#104;",
                                             "&#x77;",
                                             "&lt;",
                                             std::string(1, '\0'),
                                             "\x01",
                                             "\x0c",
                                             "\xc3\xa9",
                                             "\xff",
                                             "\xef\xbf\xbe",
                                             "<a href=\"http://a.example.com/\">",
                                             "</a>",
                                             "<A HREF=www.b.example.org>",
                                             "<area href=http://c.example.net/ alt=c>",
                                             "<img alt=\"www.d.example\">",
                                             "<",
                                             ">",
                                             "HT",
                                             "TP",
                                             "W"};
    std::mt19937 random(9);
    std::size_t skipped = 0, with_links = 0;
    for (int round = 0; round < 20'000; ++round) {
        std::string html;
        auto n = random() % 12;
        for (std::size_t i = 0; i < n; ++i) html += pieces[random() % pieces.size()];
        std::vector<ext::link> quick, parsed;
        ext::html_links(html, ext::link_limits{}, quick);
        ext::html_links_parsed(html, ext::link_limits{}, parsed);
        ASSERT_TRUE(same_links(quick, parsed)) << html;
        if (!ext::html_may_have_links(html)) ++skipped;
        if (!parsed.empty()) ++with_links;
    }
    EXPECT_GT(skipped, 1'000u);
    EXPECT_GT(with_links, 1'000u);
    // Each way a URL is made only by the parse.
    for (const std::string& made : std::vector<std::string>{
             "ht<b>tp://x.example.com", "&#104;ttp://x.example.com", "ww<!-- -->w.x.example",
             "ht\x01tp://x.example.com", "ht\xef\xbf\xbetp://x.example.com"}) {
        std::vector<ext::link> parsed;
        ext::html_links_parsed(made, ext::link_limits{}, parsed);
        EXPECT_EQ(parsed.size(), 1u) << made;
        EXPECT_TRUE(ext::html_may_have_links(made)) << made;
    }
    EXPECT_FALSE(ext::html_may_have_links("<html><body><p>Quarterly report, see below.</p></body></html>"));
}

// html_may_have_links steps over 64-octet blocks of plain text: what it
// stops at must be found wherever it lies against a block's edges, after
// plain text of any length, and between long runs of it.
TEST(link, html_left_unparsed_only_when_it_has_no_link_in_long_text) {
    const std::string plain = "Quarterly report for the team, see the numbers below. ";
    for (const std::string& made : std::vector<std::string>{
             "http://x.example.com", "WWW.x.example", "ht<b>tp://x.example.com", "&#104;ttp://x.example.com",
             "ww<!-- -->w.x.example", "ht\x01tp://x.example.com", "ht\xef\xbf\xbetp://x.example.com",
             "<a href=\"http://a.example.com/\">a</a>"}) {
        for (std::size_t pad = 0; pad < 140; ++pad) {
            std::string html;
            while (html.size() < pad) html += plain;
            html.resize(pad);
            html += made + plain + plain + plain;
            EXPECT_TRUE(ext::html_may_have_links(html)) << pad << " " << made;
        }
    }
    std::string none;
    for (int i = 0; i < 20; ++i) none += "<p>" + plain + "</p>\n";
    EXPECT_FALSE(ext::html_may_have_links(none));
    // Random pieces in long plain text: the same links as a parse.
    const std::vector<std::string> pieces = {"h",
                                             "t",
                                             "w",
                                             ".",
                                             "ht",
                                             "ww",
                                             "http",
                                             "://",
                                             " ",
                                             "\n",
                                             "<b>",
                                             "</b>",
                                             "&amp;",
                                             "\x01",
                                             "\xff",
                                             "x.example.com",
                                             "<a href=http://a.example.com/>",
                                             "</a>"};
    std::mt19937 random(14);
    std::size_t skipped = 0, with_links = 0;
    for (int round = 0; round < 5'000; ++round) {
        std::string html;
        auto n = random() % 6;
        for (std::size_t i = 0; i < n; ++i) {
            html += plain.substr(0, random() % plain.size());
            if (random() % 3 == 0) html += plain + plain;
            html += pieces[random() % pieces.size()];
        }
        std::vector<ext::link> quick, parsed;
        ext::html_links(html, ext::link_limits{}, quick);
        ext::html_links_parsed(html, ext::link_limits{}, parsed);
        ASSERT_TRUE(same_links(quick, parsed)) << html;
        if (!ext::html_may_have_links(html)) ++skipped;
        if (!parsed.empty()) ++with_links;
    }
    EXPECT_GT(skipped, 200u);
    EXPECT_GT(with_links, 200u);
}

TEST(link, compile_errors) {
    auto e = compile_errors("require \"vnd.sift.link\";\nif link :brand \"paypal\" { stop; }");
    EXPECT_NE(e.find("2:16: error: link :brand takes domain names (\"paypal.com\"), not 'paypal'"),
              std::string::npos)
        << e;
    e = compile_errors("require \"vnd.sift.link\";\nif link :brand :contains \"paypal.com\" { stop; }");
    EXPECT_NE(e.find("no comparator or match type"), std::string::npos) << e;
    e = compile_errors("require \"vnd.sift.link\";\nif link :host :trait \"ip\" { stop; }");
    EXPECT_NE(e, "");
    EXPECT_NE(compile_errors("if link \"x\" { stop; }").find("requires the \"vnd.sift.link\""),
              std::string::npos);
}

}  // namespace
}  // namespace sift::testing::link_tests
