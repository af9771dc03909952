// RFC 5173 body: :raw, :content and :text on multipart/alternative,
// nested multiparts, message/rfc822, base64 and quoted-printable bodies,
// ISO-8859-1 and UTF-8, malformed MIME.
#include "test_support.hpp"

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::body_tests {
namespace {

constexpr const char* prelude =
    "require [\"body\", \"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];\n";

// "yes" when the test holds for the message.
std::string holds(const std::string& test, const std::string& msg) {
    return run(prelude + ("if " + test + " { fileinto \"yes\"; }"), msg) == "fileinto:yes" ? "yes" : "no";
}

const std::string alternative =
    "From: a@example.com\r\n"
    "Subject: alt\r\n"
    "Content-Type: multipart/alternative; boundary=\"ALT\"\r\n"
    "\r\n"
    "Prologue text.\r\n"
    "--ALT\r\n"
    "Content-Type: text/plain; charset=ISO-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Gr=FC=DFe aus Z=FCrich=\r\n"
    " und Bern\r\n"
    "--ALT\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "PGh0bWw+PGJvZHk+PHA+SGVsbG8gPGI+V29ybGQ8L2I+ICZhbXA7IG1vcmU8L3A+PC9ib2R5PjwvaHRtbD4=\r\n"
    "--ALT--\r\n"
    "Epilogue text.\r\n";

const std::string nested =
    "From: c@example.org\r\n"
    "Content-Type: multipart/mixed; boundary=OUT\r\n"
    "\r\n"
    "--OUT\r\n"
    "Content-Type: multipart/alternative; boundary=IN\r\n"
    "\r\n"
    "--IN\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "inner plain\r\n"
    "--IN--\r\n"
    "--OUT\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "YmluYXJ5IHNlY3JldA==\r\n"
    "--OUT\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: forwarded\r\n"
    "\r\n"
    "forwarded body\r\n"
    "--OUT--\r\n";

TEST(body, text_decodes_charset_and_transfer_encoding) {
    EXPECT_EQ(holds("body :text :contains \"Gr\xc3\xbc\xc3\x9f"
                    "e aus Z\xc3\xbcrich und Bern\"",
                    alternative),
              "yes");
    EXPECT_EQ(holds("body :contains \"Hello World & more\"", alternative), "yes");  // :text is the default
    EXPECT_EQ(holds("body :text :contains \"<b>\"", alternative), "no");            // HTML reduced to text
    EXPECT_EQ(holds("body :text :contains \"Prologue\"", alternative), "no");
    EXPECT_EQ(holds("body :text :contains \"binary secret\"", nested), "no");    // not text
    EXPECT_EQ(holds("body :text :contains \"forwarded body\"", nested), "yes");  // message/rfc822
}

TEST(body, raw_is_the_undecoded_body) {
    EXPECT_EQ(holds("body :raw :contains \"Gr=FC=DFe\"", alternative), "yes");
    EXPECT_EQ(holds("body :raw :contains \"--ALT--\"", alternative), "yes");
    EXPECT_EQ(holds("body :raw :contains \"Gr\xc3\xbc\"", alternative), "no");
    EXPECT_EQ(holds("body :raw :contains \"Subject\"", alternative), "no");  // the header is not the body
    EXPECT_EQ(holds("body :raw :is \"Hi Bob,\r\nthis is a test.\r\n\"", sample_message), "yes");
}

TEST(body, content_selects_parts_by_type) {
    EXPECT_EQ(holds("body :content \"text/html\" :contains \"<b>World</b>\"", alternative), "yes");
    EXPECT_EQ(holds("body :content \"text/plain\" :contains \"<b>\"", alternative), "no");
    EXPECT_EQ(holds("body :content \"TEXT\" :contains \"Z\xc3\xbcrich\"", alternative), "yes");
    EXPECT_EQ(
        holds("body :content \"text\" :count \"eq\" :comparator \"i;ascii-numeric\" \"2\"", alternative),
        "yes");
    // A multipart contributes its prologue and epilogue, not its boundaries.
    EXPECT_EQ(holds("body :content \"multipart\" :is \"Prologue text.\"", alternative), "yes");
    EXPECT_EQ(holds("body :content \"multipart\" :is \"Epilogue text.\r\n\"", alternative), "yes");
    EXPECT_EQ(holds("body :content \"multipart\" :contains \"--ALT\"", alternative), "no");
    // Non-text leaves are transfer-decoded bytes.
    EXPECT_EQ(holds("body :content \"application/octet-stream\" :is \"binary secret\"", nested), "yes");
    // message/rfc822: its header; its message's body under the body's own type.
    EXPECT_EQ(holds("body :content \"message/rfc822\" :is \"Subject: forwarded\r\n\"", nested), "yes");
    EXPECT_EQ(holds("body :content \"message/rfc822\" :contains \"forwarded body\"", nested), "no");
    EXPECT_EQ(holds("body :content \"text/plain\" :contains \"forwarded body\"", nested), "yes");
    EXPECT_EQ(holds("body :content \"\" :contains \"inner plain\"", nested), "yes");
    EXPECT_EQ(holds("body :content [\"image\", \"text/\"] :contains \"\"", nested), "no");
}

// body :text reads a text/* part from the decoding :content keeps (one
// decoding for both, in either order); XHTML, application/*, is decoded
// as text for :text and kept as octets for :content.
TEST(body, text_and_content_of_one_part_in_either_order) {
    const std::string prelude =
        "require [\"body\", \"fileinto\", \"variables\"];\n"
        "set \"u\" \"\xc3\xbc\";\n";  // keys with ${u} are no phrase list: each is its own search
    const std::string content =
        "if body :content \"text/plain\" :is \"Gr\xc3\xbc\xc3\x9f"
        "e aus Z\xc3\xbcrich und Bern\" { fileinto \"content\"; }\n"
        "if body :content \"text/html\" :contains \"<b>World</b>\" { fileinto \"html\"; }\n";
    const std::string text =
        "if body :text :contains \"Z${u}rich und\" { fileinto \"text\"; }\n"
        "if body :text :contains \"<b>\" { fileinto \"markup\"; }\n"
        "if body :text :contains \"Hello World & more\" { fileinto \"html text\"; }\n";
    EXPECT_EQ(run(prelude + content + text, alternative),
              "fileinto:content; fileinto:html; fileinto:text; fileinto:html text");
    EXPECT_EQ(run(prelude + text + content, alternative),
              "fileinto:text; fileinto:html text; fileinto:content; fileinto:html");
    const std::string xhtml =
        "Content-Type: application/xhtml+xml; charset=ISO-8859-1\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "<p>Z=FCrich <b>x</b></p>";
    const std::string xhtml_text = "if body :text :contains \"Z${u}rich x\" { fileinto \"text\"; }\n";
    const std::string xhtml_content =
        "if body :content \"application/xhtml+xml\" :is \"<p>Z\xfcrich <b>x</b></p>\"\n"
        "  { fileinto \"octets\"; }\n";
    EXPECT_EQ(run(prelude + xhtml_text + xhtml_content, xhtml), "fileinto:text; fileinto:octets");
    EXPECT_EQ(run(prelude + xhtml_content + xhtml_text, xhtml), "fileinto:octets; fileinto:text");
}

TEST(body, malformed_mime_is_read_best_effort) {
    const std::string broken =
        "Content-Type: multipart/mixed; boundary=B\r\n\r\n"
        "--B\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8g!!!d29y#bGQ=\r\n"
        "--B\r\n\r\nno close delimiter\r\n";
    EXPECT_EQ(holds("body :text :contains \"Hello world\"", broken), "yes");  // RFC 2045 §6.8: junk ignored
    EXPECT_EQ(holds("body :text :contains \"no close delimiter\"", broken), "yes");
    // A multipart without a boundary has no parts: its body is the prologue.
    EXPECT_EQ(holds("body :content \"multipart\" :contains \"no boundary\"",
                    "Content-Type: multipart/mixed\r\n\r\nno boundary\r\n"),
              "yes");
}

// RFC 5173 §6: body's wildcards MUST NOT set match variables; the values
// of the test before stay.
TEST(body, leaves_match_variables_alone) {
    const std::string script =
        "require [\"body\", \"fileinto\", \"variables\"];\n"
        "if header :matches \"from\" \"*@*\" {}\n"
        "if body :content \"text/plain\" :matches \"inner *\" { fileinto \"${1}.${2}\"; }";
    EXPECT_EQ(run(script, nested), "fileinto:c.example.org");
    EXPECT_EQ(run("require [\"body\", \"fileinto\", \"variables\", \"regex\"];\n"
                  "if body :raw :regex \"(inner) (plain)\" { fileinto \"[${1}]\"; }",
                  nested),
              "fileinto:[]");
    // The line break before a delimiter is the delimiter's.
    EXPECT_EQ(holds("body :content \"text/plain\" :is \"inner plain\"", nested), "yes");
}

// RFC 5229 §3.2: body's keys read the match variables as the test before
// left them ("${1}" is "c", not "", which every body contains).
TEST(body, keys_read_the_match_variables) {
    const std::string script =
        "require [\"body\", \"fileinto\", \"variables\"];\n"
        "if header :matches \"from\" \"*@*\" {}\n"
        "if body :text :contains \"${2}\" { fileinto \"has ${2}\"; } else { fileinto \"lacks ${2}\"; }";
    EXPECT_EQ(run(script, nested), "fileinto:lacks example.org");
    EXPECT_EQ(run(script, "From: x@inner\r\n\r\nsome inner text\r\n"), "fileinto:has inner");
}

// RFC 5173: a header not followed by an empty line has no body, so
// every body test is false, even one for the empty string; a header and
// the empty line have an empty body.
TEST(body, header_only_message_has_no_body) {
    const std::string header_only = "From: a@example.com\r\nSubject: no body\r\n";
    for (const char* test : {"body :raw :contains \"\"", "body :raw :is \"\"", "body :raw :matches \"*\"",
                             "body :text :contains \"\"", "body :content \"\" :contains \"\""})
        EXPECT_EQ(holds(test, header_only), "no") << test;
    EXPECT_EQ(holds("body :raw :count \"eq\" :comparator \"i;ascii-numeric\" \"0\"", header_only), "yes");
    EXPECT_EQ(holds("body :raw :is \"\"", header_only + "\r\n"), "yes");
    EXPECT_EQ(holds("body :raw :is \"\"", "From: a@example.com\n\n"), "yes");
}

// The phrase-list path (body :text :contains under i;ascii-casemap with a
// constant list, program::phrases) beside the tests it does not take in
// the same script: another comparator, a list with a variable, :content
// and :raw; in a message with text parts, without any, and without a body.
TEST(body, phrase_lists_beside_the_general_path) {
    const std::string script =
        "require [\"body\", \"fileinto\", \"variables\"];\n"
        "set \"w\" \"inner\";\n"
        "if body :text :contains [\"INNER pl\", \"nothing\"] { fileinto \"a\"; }\n"
        "if body :text :comparator \"i;octet\" :contains \"INNER\" { fileinto \"b\"; }\n"
        "if body :text :contains \"${w} PLAIN\" { fileinto \"c\"; }\n"
        "if body :text :contains [\"forwarded BODY\"] { fileinto \"d\"; }\n"
        "if body :content \"text\" :contains \"inner\" { fileinto \"e\"; }\n"
        "if body :raw :contains \"inner pl\" { fileinto \"f\"; }\n"
        "if body :text :contains \"binary\" { fileinto \"g\"; }\n"
        "if body :text :contains [\"\"] { fileinto \"h\"; }\n";
    EXPECT_EQ(run(script, nested), "fileinto:a; fileinto:c; fileinto:d; fileinto:e; fileinto:f; fileinto:h");
    const std::string no_text =
        "From: a@example.com\r\nContent-Type: application/octet-stream\r\n\r\ninner plain\r\n";
    EXPECT_EQ(run(script, no_text), "fileinto:f");
    EXPECT_EQ(run(script, "From: a@example.com\r\nSubject: no body\r\n"), "keep*");
}

TEST(body, errors) {
    auto errors = compile_errors("if body :contains \"x\" { keep; }");
    EXPECT_NE(errors.find("1:4: error: test 'body' requires the \"body\" capability"), std::string::npos)
        << errors;
    errors = compile_errors("require \"body\";\nif body :raw :text \"x\" { keep; }");
    EXPECT_NE(errors.find("2:14: error: only one body-transform"), std::string::npos) << errors;
    errors = compile_errors("require \"body\";\nif body :content \"x\" { keep; }");
    EXPECT_NE(errors.find("expects 1 argument"), std::string::npos) << errors;
}

TEST(body, needs_the_whole_message) {
    auto s = compiled("require \"body\"; if body :raw :contains \"x\" { keep; }");
    EXPECT_EQ(s.needs(), sift::needs::body);
}

}  // namespace
}  // namespace sift::testing::body_tests
