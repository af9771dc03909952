// RFC 5703: foreverypart and break (§3), :mime and its options on header,
// address and exists (§4), extracttext (§7); errors with line:column.
#include "test_support.hpp"

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::mime_tests {
namespace {

constexpr const char* prelude =
    "require [\"foreverypart\", \"mime\", \"variables\", \"fileinto\", \"extracttext\"];\n";

// Pigeonhole's foreverypart.svtest message: parts AA (the message), BB,
// CC, DD, EE depth-first.
const std::string tree =
    "From: Hendrik <hendrik@example.com>\r\n"
    "Content-Type: multipart/mixed; boundary=AA\r\n"
    "X-Test: AA\r\n"
    "\r\n"
    "--AA\r\n"
    "Content-Type: multipart/mixed; boundary=BB\r\n"
    "X-Test: BB\r\n"
    "\r\n"
    "--BB\r\n"
    "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
    "X-Test: CC\r\n"
    "\r\n"
    "Hello\r\n"
    "--BB\r\n"
    "Content-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "X-Test: DD\r\n"
    "\r\n"
    "Gr=FC=DFe again\r\n"
    "--BB--\r\n"
    "--AA\r\n"
    "Content-Type: application/pdf; name=\"a.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
    "X-Test: EE\r\n"
    "From: Part <part@example.net>\r\n"
    "\r\n"
    "%PDF\r\n"
    "--AA--\r\n";

// The mailbox the script files into last.
std::string last_folder(const std::string& body, const std::string& msg = tree) {
    auto s = compiled(prelude + body);
    auto r = s.run(message::from_raw(msg), default_envelope());
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
    return r.actions.empty() ? "" : mailbox_of(r.actions[r.actions.size() - 1]);
}

TEST(foreverypart, visits_every_part_depth_first) {
    EXPECT_EQ(
        last_folder(
            "foreverypart { if header :mime :matches \"X-Test\" \"*\" { set \"seen\" \"${seen}${1}\"; } }\n"
            "fileinto \"${seen}\";"),
        "AABBCCDDEE");
}

TEST(foreverypart, nested_loops_visit_the_outer_part_s_descendants) {
    EXPECT_EQ(last_folder("foreverypart { if header :mime :matches \"X-Test\" \"*\" { set \"o\" \"${1}\"; }\n"
                          "  foreverypart { if header :mime :matches \"X-Test\" \"*\" { set \"seen\" "
                          "\"${seen}${o}>${1} \"; } } }\n"
                          "fileinto \"${seen}\";"),
              "AA>BB AA>CC AA>DD AA>EE BB>CC BB>DD ");
}

TEST(foreverypart, break_leaves_the_named_or_innermost_loop) {
    EXPECT_EQ(last_folder("foreverypart :name \"outer\" { set \"o\" \"${o}o\";\n"
                          "  foreverypart { set \"i\" \"${i}i\"; if header :mime \"X-Test\" \"CC\" { break "
                          ":name \"outer\"; } } }\n"
                          "fileinto \"${o}-${i}\";"),
              "o-ii");
    EXPECT_EQ(
        last_folder("foreverypart { set \"o\" \"${o}o\"; foreverypart { set \"i\" \"${i}i\"; break; } }\n"
                    "fileinto \"${o}-${i}\";"),
        "ooooo-ii");
    // After a break the loop can run again from the start.
    EXPECT_EQ(
        last_folder(
            "foreverypart { set \"a\" \"${a}a\"; break; } foreverypart { set \"a\" \"${a}b\"; break; }\n"
            "fileinto \"${a}\";"),
        "ab");
}

TEST(foreverypart, stop_and_actions_inside_a_loop) {
    EXPECT_EQ(run(std::string(prelude) +
                      "foreverypart { if header :mime :is \"X-Test\" \"DD\" { fileinto \"dd\"; stop; } }\n"
                      "fileinto \"after\";",
                  tree),
              "fileinto:dd");
}

TEST(foreverypart, bounded_by_the_instruction_budget) {
    auto s = compiled(std::string(prelude) +
                      "foreverypart { foreverypart { foreverypart { set \"x\" \"y\"; } } }");
    eval_limits limits;
    limits.instruction_budget = 20;
    auto r = s.run(message::from_raw(tree), default_envelope(), {.limits = limits});
    EXPECT_FALSE(r.ok());
}

TEST(mime, header_options) {
    auto in_loop = [](const std::string& test) {
        return last_folder("foreverypart { if " + test +
                           " { set \"hit\" \"${hit}+\"; } } fileinto \"[${hit}]\";");
    };
    EXPECT_EQ(in_loop("header :mime :type \"Content-Type\" \"text\""), "[++]");
    EXPECT_EQ(in_loop("header :mime :subtype \"Content-Type\" \"mixed\""), "[++]");
    EXPECT_EQ(in_loop("header :mime :contenttype \"Content-Type\" \"application/pdf\""), "[+]");
    EXPECT_EQ(in_loop("header :mime :param \"charset\" \"Content-Type\" \"ISO-8859-1\""), "[+]");
    EXPECT_EQ(in_loop("header :mime :param [\"boundary\", \"name\"] \"Content-Type\" \"a.pdf\""), "[+]");
    EXPECT_EQ(in_loop("header :mime :type \"Content-Disposition\" \"attachment\""), "[+]");
    EXPECT_EQ(in_loop("header :mime :contenttype \"Content-Disposition\" \"attachment\""), "[+]");
    EXPECT_EQ(in_loop("header :mime :param \"filename\" \"Content-Disposition\" \"report.pdf\""), "[+]");
    EXPECT_EQ(in_loop("header :mime :anychild \"X-Test\" \"EE\""), "[++]");  // AA and EE contain it
    EXPECT_EQ(in_loop("exists :mime \"Content-Disposition\""), "[+]");
    EXPECT_EQ(in_loop("address :mime :domain \"From\" \"example.net\""), "[+]");
}

// The options read a part's first Content-Type and Content-Disposition as
// the part's parse made them; an unreadable one gives no value (the part's
// text/plain is a default, not what it says), and a second field of the
// name is read on its own.
TEST(mime, header_options_of_unreadable_and_repeated_fields) {
    const std::string msg =
        "From: a@example.com\r\n"
        "Content-Type: nonsense\r\n"
        "Content-Type: image/png; name=x.png\r\n"
        "Content-Disposition: ; filename=y.png\r\n"
        "Content-Disposition: inline; filename=z.png\r\n"
        "X-Type: audio/basic\r\n"
        "\r\n"
        "body\r\n";
    auto hit = [&](const std::string& test) {
        return last_folder("if " + test + " { fileinto \"yes\"; } else { fileinto \"no\"; }", msg);
    };
    EXPECT_EQ(hit("header :mime :type \"Content-Type\" \"text\""), "no");
    EXPECT_EQ(hit("header :mime :type \"Content-Type\" \"image\""), "yes");
    EXPECT_EQ(hit("header :mime :param \"name\" \"Content-Type\" \"x.png\""), "yes");
    EXPECT_EQ(hit("header :mime :param \"filename\" \"Content-Disposition\" \"y.png\""), "no");
    EXPECT_EQ(hit("header :mime :param \"filename\" \"Content-Disposition\" \"z.png\""), "yes");
    EXPECT_EQ(hit("header :mime :type \"Content-Disposition\" \"inline\""), "yes");
    // The first of a name in any case, for each name asked, also a name
    // asked twice; another field is parsed on its own.
    EXPECT_EQ(hit("header :mime :type \"CONTENT-type\" \"text\""), "no");
    EXPECT_EQ(hit("header :mime :type [\"X-Type\", \"content-type\", \"Content-Type\"] \"text\""), "no");
    EXPECT_EQ(hit("header :mime :type [\"Content-Disposition\", \"content-type\"] \"image\""), "yes");
    EXPECT_EQ(hit("header :mime :type \"X-Type\" \"audio\""), "yes");
    EXPECT_EQ(hit("header :mime :subtype \"X-Type\" \"basic\""), "yes");
}

// What Outlook sends: RFC 2047 encoded words inside the quoted parameter.
TEST(mime, rfc2047_encoded_file_names_are_decoded_like_rfc2231_ones) {
    const std::string msg =
        "Content-Type: multipart/mixed; boundary=\"=?b?=\"\r\n\r\n"
        "--=?b?=\r\n"
        "Content-Type: application/octet-stream; name=\"=?utf-8?B?cmVjaG51bmcuZXhl?=\"\r\n"
        "Content-Disposition: attachment; filename=\"=?utf-8?Q?r=C3=A9sum=C3=A9.scr?=\"\r\n\r\n"
        "x\r\n"
        "--=?b?=--\r\n";
    auto in_loop = [&](const std::string& test) {
        return last_folder(
            "foreverypart { if " + test + " { set \"hit\" \"${hit}+\"; } } fileinto \"[${hit}]\";", msg);
    };
    EXPECT_EQ(in_loop("header :mime :param \"name\" \"Content-Type\" \"rechnung.exe\""), "[+]");
    EXPECT_EQ(in_loop("header :mime :param \"filename\" \"Content-Disposition\" \"r\u00e9sum\u00e9.scr\""),
              "[+]");
    EXPECT_EQ(in_loop("header :mime :param \"filename\" \"Content-Disposition\" \"*.scr\""), "[]");  // :is
    EXPECT_EQ(in_loop("header :mime :param \"filename\" :matches \"Content-Disposition\" \"*.scr\""), "[+]");
    // A boundary is matched as written, even when it looks like an encoded word.
    EXPECT_EQ(in_loop("header :mime :param \"boundary\" \"Content-Type\" \"=?b?=\""), "[+]");
}

// RFC 5703 §4.2's own example: an address test on a part's Content-From,
// which holds addresses.
TEST(mime, address_of_content_from_rfc_example) {
    std::string const msg =
        "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\n"
        "Content-Type: text/plain\r\nContent-From: Tim <tim@example.com>\r\n\r\nhi\r\n--X--\r\n";
    EXPECT_EQ(last_folder("if address :mime :anychild :is :all \"content-from\" \"tim@example.com\"\n"
                          "{ fileinto \"INBOX.frommime\"; }",
                          msg),
              "INBOX.frommime");
    EXPECT_EQ(last_folder("if address :mime :anychild :is :all \"content-from\" \"x@example.com\"\n"
                          "{ fileinto \"INBOX.frommime\"; }",
                          msg),
              "INBOX");  // the implicit keep
}

TEST(mime, outside_a_loop_the_message_is_the_current_part) {
    EXPECT_EQ(last_folder("if header :mime \"X-Test\" \"AA\" { fileinto \"top\"; }"), "top");
    EXPECT_EQ(last_folder("if header :mime \"X-Test\" \"EE\" { fileinto \"top\"; }"), "INBOX");
    EXPECT_EQ(last_folder("if header :mime :anychild \"X-Test\" \"EE\" { fileinto \"any\"; }"), "any");
    EXPECT_EQ(
        last_folder("if exists :mime :anychild [\"X-Test\", \"Content-Disposition\"] { fileinto \"one\"; }"),
        "one");
    EXPECT_EQ(last_folder("if address :mime :anychild :localpart \"From\" \"part\" { fileinto \"addr\"; }"),
              "addr");
}

TEST(extracttext, stores_the_decoded_text_of_the_current_part) {
    EXPECT_EQ(
        last_folder(
            "foreverypart { if header :mime \"X-Test\" \"DD\" { extracttext \"t\"; fileinto \"${t}\"; } }"),
        "Gr\xc3\xbc\xc3\x9f"
        "e again");
    EXPECT_EQ(
        last_folder("foreverypart { if header :mime \"X-Test\" \"DD\" { extracttext :upper :first 3 \"t\"; "
                    "fileinto \"${t}\"; } }"),
        "GR\xc3\xbc");  // characters, not octets; :upper is ASCII only
    EXPECT_EQ(last_folder("foreverypart { if header :mime \"X-Test\" \"DD\" { extracttext :length \"t\"; "
                          "fileinto \"${t}\"; } }"),
              "11");
    // Multiparts and non-text parts give "".
    EXPECT_EQ(last_folder("foreverypart { extracttext \"t\"; set \"all\" \"${all}[${t}]\"; }\n"
                          "if string :is \"${all}\" \"[][][Hello][Gr\xc3\xbc\xc3\x9f"
                          "e again][]\" { fileinto \"ok\"; }"),
              "ok");
}

TEST(extracttext, html_is_reduced_to_text) {
    std::string html =
        "Content-Type: text/html\r\n\r\n<html><style>p{}</style><p>A &lt;b&gt; &#233;</p><!-- x "
        "--></html>\r\n";
    EXPECT_EQ(
        last_folder("foreverypart { extracttext \"t\"; if string :is \"${t}\" \"A <b> \xc3\xa9\r\n\r\n\" "
                    "{ fileinto \"ok\"; } }",
                    html),
        "ok");
}

// Text between markup and references of every kind, at the start and end
// too: an unknown or unfinished reference is text.
TEST(extracttext, text_runs_between_markup_and_references) {
    std::string html = "Content-Type: text/html\r\n\r\nab&amp;cd&x;e<b>f</b>&#65;&\r\n";
    EXPECT_EQ(last_folder("foreverypart { extracttext \"t\"; if string :is \"${t}\" \"ab&cd&x;efA&\r\n\" "
                          "{ fileinto \"ok\"; } }",
                          html),
              "ok");
}

TEST(mime_errors, reported_with_line_and_column) {
    auto errors = compile_errors("require \"foreverypart\";\nforeverypart { keep; }\nbreak;");
    EXPECT_NE(errors.find("3:1: error: break is only allowed inside a foreverypart loop"), std::string::npos)
        << errors;
    errors = compile_errors(
        "require \"foreverypart\";\nforeverypart :name \"a\" {\n  foreverypart { break :name \"b\"; } }");
    EXPECT_NE(errors.find("3:18: error: break :name \"b\" is not inside a foreverypart loop of that name"),
              std::string::npos)
        << errors;
    errors =
        compile_errors("require [\"foreverypart\", \"extracttext\"];\nforeverypart { extracttext \"x\"; }");
    EXPECT_NE(errors.find("2:16: error: extracttext needs the \"variables\" capability"), std::string::npos)
        << errors;
    errors = compile_errors("require [\"variables\", \"extracttext\"];\nextracttext \"x\";");
    EXPECT_NE(errors.find("2:1: error: extracttext is only allowed inside a foreverypart loop"),
              std::string::npos)
        << errors;
    errors = compile_errors(
        "require [\"foreverypart\", \"variables\", \"extracttext\"];\nforeverypart { extracttext \"0\"; }");
    EXPECT_NE(errors.find("2:28: error: invalid variable name '0'"), std::string::npos) << errors;
    errors = compile_errors("require \"mime\";\nif header :anychild \"To\" \"x\" { keep; }");
    EXPECT_NE(errors.find("2:4: error: 'header': :anychild and the content-type options need :mime"),
              std::string::npos)
        << errors;
    errors = compile_errors("require \"mime\";\nif exists :mime :type \"To\" { keep; }");
    EXPECT_NE(errors.find("2:17: error: unknown tag :type for test 'exists'"), std::string::npos) << errors;
    errors = compile_errors("require \"foreverypart\";\nforeverypart :name [\"a\", \"b\"] { }");
    EXPECT_NE(errors.find("2:14: error: tag :name of command 'foreverypart' expects a string"),
              std::string::npos)
        << errors;
    errors = compile_errors("require \"foreverypart\";\nforeverypart;");
    EXPECT_NE(errors.find("requires a block"), std::string::npos) << errors;
}

}  // namespace
}  // namespace sift::testing::mime_tests
