// replace and enclose (RFC 5703 §5, §6). The expected messages follow the
// RFC: replace keeps every header field but the MIME ones, turns a replaced
// Subject/From into Original-Subject/Original-From, and makes the
// replacement text/plain UTF-8 unless :mime; enclose makes a
// multipart/mixed message of the text and the message/rfc822 original,
// with Subject, Date and From as §6 says. Results are parsed back with
// Sift's own message and MIME parser.
#include "test_support.hpp"

#include "mail/message.hpp"
#include "mail/mime.hpp"

namespace sift::testing {
namespace {

constexpr std::int64_t arrival = 1795417200;  // Mon, 23 Nov 2026 07:00:00 +0000

constexpr const char* html_message =
    "Received: from a by b; Mon, 23 Nov 2026 06:59:30 +0000\r\n"
    "From: Anna <anna@example.com>\r\n"
    "To: bob@example.net\r\n"
    "Subject: Hello\r\n"
    "Date: Mon, 23 Nov 2026 06:59:00 +0000\r\n"
    "Message-ID: <m1@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/html; charset=us-ascii\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "<p>secret</p>\r\n";

constexpr const char* multipart_message =
    "From: Anna <anna@example.com>\r\n"
    "To: bob@example.net\r\n"
    "Subject: Parts\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "plain text\r\n"
    "--inner\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<b>html text</b>\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream; name=\"run.exe\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "TVqQAAMAAAAEAAAA\r\n"
    "--outer--\r\n";

result run_on(std::string_view source, std::string raw = html_message, eval_limits limits = {}) {
    auto s = compiled(source);
    auto m = message::from_raw(std::move(raw));
    basic_host host;  // now is the arrival time
    host.freeze(std::chrono::system_clock::time_point(std::chrono::seconds(arrival)));
    return s.run(m, default_envelope(), {.limits = limits, .host = &host});
}

mail::message delivered(const result& r) {
    EXPECT_TRUE(r.message.has_value());
    return mail::message::parse(r.message ? r.message->data : std::string());
}

// The first field `name`, unfolded and decoded; "<none>" when missing.
std::string field(const mail::message& m, std::string_view name) {
    const auto* f = m.first(name);
    return f ? mail::message::decode(f->value) : "<none>";
}

std::vector<std::string> field_names(const mail::message& m) {
    std::vector<std::string> out;
    for (const auto& h : m.headers()) out.emplace_back(h.name);
    return out;
}

using names = std::vector<std::string>;

// --- replace: the whole message ----------------------------------------

TEST(replace, whole_message_becomes_text_plain_utf8_keeping_other_fields) {
    auto r = run_on("require \"replace\";\nreplace \"This message was removed.\";");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_EQ(summary(r), "keep*");
    ASSERT_EQ(r.message_edits.size(), 1u);
    EXPECT_EQ(r.message_edits[0].what, message_edit::kind::replace);
    EXPECT_EQ(r.message_edits[0].line, 2u);
    EXPECT_TRUE(r.message_edits[0].whole_message);
    auto m = delivered(r);
    // §5: all other fields preserved, those of the MIME structure replaced.
    EXPECT_EQ(field_names(m), (names{"Received", "From", "To", "Subject", "Date", "Message-ID",
                                     "MIME-Version", "Content-Type", "Content-Transfer-Encoding"}));
    EXPECT_EQ(field(m, "Received"), "from a by b; Mon, 23 Nov 2026 06:59:30 +0000");
    EXPECT_EQ(field(m, "Subject"), "Hello");
    EXPECT_EQ(field(m, "MIME-Version"), "1.0");
    EXPECT_EQ(field(m, "Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(field(m, "Content-Transfer-Encoding"), "7bit");
    EXPECT_EQ(m.body(), "This message was removed.\r\n");
    EXPECT_EQ(r.message->body(), m.body());
    EXPECT_EQ(r.message->header().substr(0, 10), "Received: ");
    EXPECT_TRUE(r.message->header().ends_with("\r\n\r\n"));
    EXPECT_EQ(m.mime().type, "text");
    EXPECT_EQ(m.mime().subtype, "plain");
    EXPECT_EQ(m.mime().charset(), "utf-8");
    EXPECT_FALSE(r.redirect_message.has_value());  // only enclose spares redirects
}

TEST(replace, non_ascii_text_is_quoted_printable_utf8) {
    auto r = run_on("require \"replace\";\nreplace \"Grüße\nAnna\";");
    auto m = delivered(r);
    EXPECT_EQ(field(m, "Content-Transfer-Encoding"), "quoted-printable");
    EXPECT_EQ(m.body(), "Gr=C3=BC=C3=9Fe\r\nAnna\r\n");  // RFC 2045 §6.7
    EXPECT_EQ(mail::decoded_text(m.mime()), "Grüße\r\nAnna\r\n");
}

TEST(replace, subject_and_from_keep_the_old_fields_as_original) {
    auto r = run_on(
        "require \"replace\";\n"
        "replace :subject \"Removed\" :from \"Filter <filter@example.org>\" \"x\";");
    auto m = delivered(r);
    EXPECT_EQ(field(m, "Subject"), "Removed");
    EXPECT_EQ(field(m, "Original-Subject"), "Hello");
    EXPECT_EQ(field(m, "From"), "Filter <filter@example.org>");
    EXPECT_EQ(field(m, "Original-From"), "Anna <anna@example.com>");
    EXPECT_EQ(m.count("Subject"), 1u);
    EXPECT_EQ(m.count("From"), 1u);
}

TEST(replace, subject_is_encoded_if_and_only_if_not_ascii) {
    auto m = delivered(run_on("require \"replace\"; replace :subject \"Entfernt: Grüße\" \"x\";"));
    const auto* subject = m.first("Subject");
    ASSERT_NE(subject, nullptr);
    EXPECT_NE(subject->value.find("=?utf-8?"), std::string_view::npos);  // RFC 2047 encoded words
    EXPECT_EQ(field(m, "Subject"), "Entfernt: Grüße");
    auto ascii = delivered(run_on("require \"replace\"; replace :subject \"Plain words\" \"x\";"));
    EXPECT_EQ(ascii.first("Subject")->value, " Plain words");
}

TEST(replace, non_ascii_from_gets_an_encoded_display_name) {
    auto m = delivered(run_on("require \"replace\"; replace :from \"Jürgen <j@example.org>\" \"x\";"));
    const auto* from = m.first("From");
    ASSERT_NE(from, nullptr);
    EXPECT_NE(from->value.find("=?utf-8?"), std::string_view::npos);
    auto list = mail::parse_address_list(mail::message::unfold(from->value));
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].display_name, "Jürgen");
    EXPECT_EQ(list[0].all(), "j@example.org");
}

TEST(replace, a_message_without_subject_gets_one_and_no_original) {
    auto m = delivered(run_on("require \"replace\"; replace :subject \"New\" \"x\";",
                              "From: a@example.com\r\n\r\nbody\r\n"));
    EXPECT_EQ(field(m, "Subject"), "New");
    EXPECT_EQ(field(m, "Original-Subject"), "<none>");
}

TEST(replace, mime_replacement_brings_its_own_structure) {
    auto r = run_on(
        "require \"replace\";\n"
        "replace :mime text:\n"
        "Content-Type: multipart/alternative; boundary=\"b\"\n"
        "\n"
        "--b\n"
        "Content-Type: text/plain\n"
        "\n"
        "hello\n"
        "--b\n"
        "Content-Type: text/html\n"
        "\n"
        "<p>hello</p>\n"
        "--b--\n"
        ".\n;");
    auto m = delivered(r);
    EXPECT_EQ(m.count("Content-Type"), 1u);
    EXPECT_EQ(m.count("MIME-Version"), 1u);
    EXPECT_EQ(m.count("Content-Transfer-Encoding"), 0u);  // the old one went with the old structure
    EXPECT_EQ(field(m, "Subject"), "Hello");
    const auto& root = m.mime();
    EXPECT_EQ(root.subtype, "alternative");
    ASSERT_EQ(root.children.size(), 2u);
    EXPECT_EQ(mail::decoded_body(root.children[0]), "hello");
    EXPECT_EQ(root.children[1].subtype, "html");
    EXPECT_EQ(r.message->data.find("\n\n"), std::string::npos);  // the message's CRLF line ends throughout
}

TEST(replace, later_tests_see_the_new_message) {
    auto r = run_on(
        "require [\"replace\", \"body\", \"fileinto\"];\n"
        "replace :subject \"New\" \"clean\";\n"
        "if body :text :contains \"secret\" { fileinto \"Wrong\"; }\n"
        "if body :text :contains \"clean\" { fileinto \"Clean\"; }\n"
        "if header :contains \"content-type\" \"text/plain\" { fileinto \"Plain\"; }\n"
        "if header :is \"subject\" \"New\" { fileinto \"Subject\"; }\n"
        "if exists \"original-subject\" { fileinto \"Original\"; }");
    EXPECT_EQ(summary(r), "fileinto:Clean; fileinto:Plain; fileinto:Subject; fileinto:Original");
}

// The phrase lists' answers are the old message's until replace: a list
// absent from every part searched before it is searched for again in the
// new one (content_state::phrase_search::all_searched goes with the old).
TEST(replace, phrase_lists_searched_before_are_searched_in_the_new_message) {
    auto r = run_on(
        "require [\"replace\", \"body\", \"fileinto\"];\n"
        "if body :text :contains [\"clean\", \"zzz\"] { fileinto \"Before\"; }\n"
        "if body :text :contains [\"secret\", \"yyy\"] { fileinto \"Secret\"; }\n"
        "if body :text :contains [\"clean\", \"zzz\"] { fileinto \"Again\"; }\n"
        "replace \"clean\";\n"
        "if body :text :contains [\"clean\", \"zzz\"] { fileinto \"After\"; }\n"
        "if body :text :contains [\"secret\", \"yyy\"] { fileinto \"Still\"; }");
    EXPECT_EQ(summary(r), "fileinto:Secret; fileinto:After");
}

TEST(replace, size_counts_the_new_message) {
    std::string big(2000, 'a');
    auto r = run_on(
        "require [\"replace\", \"fileinto\"];\nif size :over 1000 { fileinto \"Big\"; }\n"
        "replace \"tiny\";\nif size :under 1000 { fileinto \"Small\"; }",
        std::string(html_message) + big + "\r\n");
    EXPECT_EQ(summary(r), "fileinto:Big; fileinto:Small");
}

// --- replace inside foreverypart (§5: the current part) ----------------

TEST(replace, inside_foreverypart_replaces_only_the_current_part) {
    auto r = run_on(
        "require [\"foreverypart\", \"mime\", \"replace\"];\n"
        "foreverypart {\n"
        "  if header :mime :subtype \"content-type\" \"html\" {\n"
        "    replace :subject \"ignored\" \"html removed\";\n"
        "  }\n"
        "}",
        multipart_message);
    ASSERT_TRUE(r.ok()) << r.errors.front();
    ASSERT_EQ(r.message_edits.size(), 1u);
    EXPECT_FALSE(r.message_edits[0].whole_message);
    auto m = delivered(r);
    EXPECT_EQ(field(m, "Subject"), "Parts");  // :subject applies to the entire message only
    EXPECT_EQ(field(m, "Original-Subject"), "<none>");
    EXPECT_EQ(field(m, "Content-Type"), "multipart/mixed; boundary=\"outer\"");
    const auto& root = m.mime();
    ASSERT_EQ(root.children.size(), 2u);
    const auto& alternative = root.children[0];
    ASSERT_EQ(alternative.children.size(), 2u);
    EXPECT_EQ(mail::decoded_body(alternative.children[0]), "plain text");
    const auto& replaced = alternative.children[1];
    EXPECT_EQ(replaced.subtype, "plain");
    EXPECT_EQ(replaced.charset(), "utf-8");
    EXPECT_EQ(mail::decoded_text(replaced), "html removed");  // the CRLF before a boundary is the boundary's
    EXPECT_EQ(root.children[1].body, "TVqQAAMAAAAEAAAA");
    EXPECT_NE(m.body().find("preamble\r\n--outer\r\n"), std::string_view::npos);
}

TEST(replace, the_loop_skips_the_children_of_a_replaced_multipart) {
    auto r = run_on(
        "require [\"foreverypart\", \"mime\", \"replace\", \"variables\", \"fileinto\"];\n"
        "foreverypart {\n"
        "  set \"n\" \"${n}x\";\n"
        "  if header :mime :subtype \"content-type\" \"alternative\" { replace \"gone\"; }\n"
        "  elsif header :mime :type \"content-type\" \"text\" { fileinto \"Text\"; }\n"
        "}\n"
        "foreverypart {\n"
        "  if header :mime :type \"content-type\" \"text\" { set \"t\" \"${t}x\"; }\n"
        "}\n"
        "if string :is \"${n}\" \"xxx\" { fileinto \"Visited3\"; }\n"
        "if string :is \"${t}\" \"x\" { fileinto \"OneText\"; }",
        multipart_message);
    // The root, the alternative (replaced), the attachment; then one text part.
    EXPECT_EQ(summary(r), "fileinto:Visited3; fileinto:OneText");
}

TEST(replace, the_loop_goes_on_to_the_parts_after_a_replaced_one) {
    auto r = run_on(
        "require [\"foreverypart\", \"mime\", \"replace\", \"fileinto\"];\n"
        "foreverypart {\n"
        "  if header :mime :subtype \"content-type\" \"plain\" { replace \"p\"; }\n"
        "  if header :mime :param \"name\" \"content-type\" \"run.exe\" { fileinto \"Exe\"; }\n"
        "}",
        multipart_message);
    EXPECT_EQ(summary(r), "fileinto:Exe");
}

// --- validation ---------------------------------------------------------

TEST(replace, constant_arguments_are_checked_with_their_position) {
    EXPECT_NE(
        compile_errors("require \"replace\";\nreplace :from \"not an address\" \"x\";")
            .find("test.sieve:2:15: error: replace :from \"not an address\" is not a valid mailbox list"),
        std::string::npos);
    EXPECT_NE(compile_errors("require \"replace\";\nreplace :mime \"just text\";")
                  .find("test.sieve:2:15: error: replace :mime replacement is not a MIME entity"),
              std::string::npos);
    EXPECT_NE(compile_errors("replace \"x\";").find("test.sieve:1:1: error:"), std::string::npos);
    EXPECT_NE(compile_errors("replace \"x\";").find("\"replace\""), std::string::npos);
    EXPECT_NE(compile_errors("require \"replace\";\nreplace :headers [\"a\"] \"x\";").find("test.sieve:2:9:"),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"replace\";\nreplace;").find("test.sieve:2:1:"), std::string::npos);
    compiled("require \"replace\";\nreplace :from \"a@example.com, B <b@example.com>\" \"x\";");
}

TEST(replace, bad_values_from_variables_are_runtime_errors) {
    auto r = run_on(
        "require [\"replace\", \"variables\", \"fileinto\"];\n"
        "set \"f\" \"nobody\";\nfileinto \"X\";\n"
        "replace :from \"${f}\" \"x\";");
    EXPECT_EQ(r.status, run_status::runtime_error);
    EXPECT_EQ(summary(r), "keep*");  // actions cancelled, the message kept as it came
    EXPECT_FALSE(r.message.has_value());
    EXPECT_TRUE(r.message_edits.empty());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("line 4:"), std::string::npos);
    auto entity =
        run_on("require [\"replace\", \"variables\"];\nset \"t\" \"no entity\";\nreplace :mime \"${t}\";");
    EXPECT_EQ(entity.status, run_status::runtime_error);
}

// --- enclose ------------------------------------------------------------

TEST(enclose, wraps_the_message_as_message_rfc822) {
    auto r =
        run_on("require \"enclose\";\nenclose :subject \"Quarantined\" \"This message was quarantined.\";");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    ASSERT_EQ(r.message_edits.size(), 1u);
    EXPECT_EQ(r.message_edits[0].what, message_edit::kind::enclose);
    EXPECT_EQ(r.message_edits[0].line, 2u);
    auto m = delivered(r);
    EXPECT_EQ(field_names(m), (names{"Date", "From", "Subject", "MIME-Version", "Content-Type"}));
    EXPECT_EQ(field(m, "Date"), "Mon, 23 Nov 2026 07:00:00 +0000");  // the host's now
    EXPECT_EQ(field(m, "From"), "<rcpt@example.net>");               // the user the script runs for
    EXPECT_EQ(field(m, "Subject"), "Quarantined");
    EXPECT_EQ(field(m, "MIME-Version"), "1.0");
    const auto& root = m.mime();
    EXPECT_EQ(root.type, "multipart");
    EXPECT_EQ(root.subtype, "mixed");
    auto boundary = std::string(root.param("boundary"));
    ASSERT_FALSE(boundary.empty());
    EXPECT_EQ(std::string(html_message).find(boundary), std::string::npos);
    ASSERT_EQ(root.children.size(), 2u);
    const auto& text = root.children[0];
    EXPECT_EQ(text.type + "/" + text.subtype, "text/plain");
    EXPECT_EQ(text.charset(), "utf-8");
    EXPECT_EQ(mail::decoded_text(text), "This message was quarantined.\r\n");
    const auto& attached = root.children[1];
    EXPECT_EQ(attached.type + "/" + attached.subtype, "message/rfc822");
    EXPECT_EQ(attached.header("content-transfer-encoding"), nullptr);  // 7bit
    ASSERT_EQ(attached.children.size(), 1u);
    EXPECT_EQ(attached.children[0].raw, html_message);  // the original, byte for byte
    EXPECT_EQ(attached.children[0].subtype, "html");
}

TEST(enclose, subject_defaults_to_the_old_one_and_headers_are_copied) {
    auto m =
        delivered(run_on("require \"enclose\";\n"
                         "enclose :headers [\"to\", \"Date\", \"message-id\", \"content-type\"] \"x\";"));
    EXPECT_EQ(field(m, "Subject"), "Hello");
    EXPECT_EQ(field(m, "To"), "bob@example.net");
    EXPECT_EQ(field(m, "Message-ID"), "<m1@example.com>");
    EXPECT_EQ(m.count("Date"), 1u);
    EXPECT_EQ(field(m, "Date"), "Mon, 23 Nov 2026 06:59:00 +0000");  // copied, so not synthesized
    EXPECT_EQ(field(m, "From"), "<rcpt@example.net>");
    EXPECT_EQ(m.count("Content-Type"), 1u);  // the new structure's, never a copied one
    EXPECT_EQ(m.mime().subtype, "mixed");
    EXPECT_EQ(field(m, "Received"), "<none>");
}

TEST(enclose, non_ascii_subject_and_text) {
    auto m = delivered(run_on("require \"enclose\"; enclose :subject \"Prüfung\" \"Über\";"));
    EXPECT_NE(m.first("Subject")->value.find("=?utf-8?"), std::string_view::npos);
    EXPECT_EQ(field(m, "Subject"), "Prüfung");
    EXPECT_EQ(mail::decoded_text(m.mime().children[0]), "Über\r\n");
}

TEST(enclose, eight_bit_messages_are_enclosed_as_8bit) {
    auto m =
        delivered(run_on("require \"enclose\"; enclose \"x\";",
                         "From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                         "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n"));
    const auto* cte = m.mime().children[1].header("content-transfer-encoding");
    ASSERT_NE(cte, nullptr);
    EXPECT_EQ(mail::message::unfold(cte->value),
              "8bit");  // RFC 2046 §5.2.1: no encoding but 7bit/8bit/binary
}

TEST(enclose, twice_encloses_twice) {
    auto r = run_on(
        "require \"enclose\";\nenclose :subject \"one\" \"first\";\nenclose :subject \"two\" \"second\";");
    auto m = delivered(r);
    EXPECT_EQ(field(m, "Subject"), "two");
    const auto& outer = m.mime();
    ASSERT_EQ(outer.children.size(), 2u);
    EXPECT_EQ(mail::decoded_text(outer.children[0]), "second\r\n");
    ASSERT_EQ(outer.children[1].children.size(), 1u);
    const auto& inner = outer.children[1].children[0];
    EXPECT_EQ(inner.subtype, "mixed");
    ASSERT_EQ(inner.children.size(), 2u);
    EXPECT_EQ(mail::decoded_text(inner.children[0]), "first\r\n");
    EXPECT_EQ(inner.children[1].children[0].raw, html_message);
    EXPECT_NE(outer.param("boundary"), inner.param("boundary"));
    // Redirects get the message as the first enclose found it.
    ASSERT_TRUE(r.redirect_message.has_value());
    EXPECT_EQ(r.redirect_message->data, html_message);
}

TEST(enclose, later_tests_see_the_new_structure) {
    auto r = run_on(
        "require [\"enclose\", \"foreverypart\", \"mime\", \"variables\", \"fileinto\", \"body\"];\n"
        "enclose :subject \"Wrapped\" \"note\";\n"
        "foreverypart { set \"n\" \"${n}x\"; }\n"
        "if string :is \"${n}\" \"xxxx\" { fileinto \"Four\"; }\n"
        "if header :mime :subtype \"content-type\" \"mixed\" { fileinto \"Mixed\"; }\n"
        "if header :is \"subject\" \"Wrapped\" { fileinto \"Subject\"; }\n"
        "if body :content \"message/rfc822\" :contains \"Subject: Hello\" { fileinto \"Inner\"; }");
    // new root, text, message/rfc822, the enclosed message
    EXPECT_EQ(summary(r), "fileinto:Four; fileinto:Mixed; fileinto:Subject; fileinto:Inner");
}

TEST(enclose, inside_a_loop_the_loop_goes_on_inside_the_enclosed_message) {
    auto r = run_on(
        "require [\"enclose\", \"foreverypart\", \"mime\", \"fileinto\"];\n"
        "foreverypart {\n"
        "  if header :mime :subtype \"content-type\" \"alternative\" { enclose \"x\"; }\n"
        "  if header :mime :param \"name\" \"content-type\" \"run.exe\" { fileinto \"Exe\"; }\n"
        "}",
        multipart_message);
    EXPECT_EQ(summary(r), "fileinto:Exe");
    EXPECT_EQ(r.message_edits.size(), 1u);
}

TEST(enclose, header_names_are_checked) {
    EXPECT_NE(compile_errors("require \"enclose\";\nenclose :headers [\"To\", \"Bad Name\"] \"x\";")
                  .find("test.sieve:2:25: error: invalid header field name 'Bad Name'"),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"enclose\";\nenclose :mime \"x\";").find("test.sieve:2:9:"),
              std::string::npos);
    auto r =
        run_on("require [\"enclose\", \"variables\"];\nset \"h\" \"a b\";\nenclose :headers \"${h}\" \"x\";");
    EXPECT_EQ(r.status, run_status::runtime_error);
}

// --- with editheader, redirect, keep and the limits --------------------

TEST(replace_enclose, header_edits_before_are_in_the_new_message_and_after_apply_to_it) {
    auto r = run_on(
        "require [\"replace\", \"editheader\"];\n"
        "addheader \"X-Tag\" \"t\";\n"
        "deleteheader \"message-id\";\n"
        "replace \"x\";\n"
        "addheader :last \"X-After\" \"a\";\n"
        "deleteheader \"to\";");
    ASSERT_EQ(r.message_edits.size(), 1u);
    EXPECT_EQ(r.message_edits[0].after_header_edits, 2u);
    EXPECT_EQ(r.header_edits.size(), 4u);
    auto m = delivered(r);
    EXPECT_EQ(field_names(m), (names{"X-Tag", "Received", "From", "Subject", "Date", "MIME-Version",
                                     "Content-Type", "Content-Transfer-Encoding", "X-After"}));
}

TEST(replace_enclose, original_fields_that_replace_added_cannot_be_deleted) {
    auto r = run_on(
        "require [\"replace\", \"editheader\", \"fileinto\"];\n"
        "replace :subject \"New\" :from \"f@example.org\" \"x\";\n"
        "deleteheader \"original-subject\";\n"
        "deleteheader \"Original-From\";\n"
        "deleteheader \"subject\";\n"
        "if exists [\"original-subject\", \"original-from\"] { fileinto \"Kept\"; }\n"
        "if not exists \"subject\" { fileinto \"NoSubject\"; }");
    EXPECT_EQ(summary(r), "fileinto:Kept; fileinto:NoSubject");
    auto m = delivered(r);
    EXPECT_EQ(field(m, "Original-Subject"), "Hello");
    EXPECT_EQ(field(m, "Subject"), "<none>");
    // One that came with the message is an ordinary field.
    auto plain = run_on(
        "require [\"editheader\", \"fileinto\"];\ndeleteheader \"original-subject\";\n"
        "if not exists \"original-subject\" { fileinto \"Gone\"; }",
        "Original-Subject: upstream\r\nSubject: s\r\n\r\nx\r\n");
    EXPECT_EQ(summary(plain), "fileinto:Gone");
}

TEST(replace_enclose, redirect_sends_the_message_as_the_first_enclose_found_it) {
    auto r = run_on(
        "require [\"enclose\", \"editheader\"];\n"
        "addheader \"X-Before\" \"1\";\n"
        "redirect \"x@example.org\";\n"
        "enclose \"wrapped\";\n"
        "addheader :last \"X-After\" \"2\";");
    EXPECT_EQ(summary(r), "redirect:x@example.org");
    ASSERT_TRUE(r.redirect_message.has_value());
    auto redirected = mail::message::parse(r.redirect_message->data);
    EXPECT_EQ(field(redirected, "X-Before"), "1");
    EXPECT_EQ(field(redirected, "X-After"), "<none>");
    EXPECT_EQ(redirected.mime().subtype, "html");
    EXPECT_EQ(r.redirect_message->body(), "<p>secret</p>\r\n");
    auto m = delivered(r);
    EXPECT_EQ(field(m, "X-After"), "2");
    EXPECT_EQ(field(m, "X-Before"), "<none>");  // it is inside, in the enclosed message
    EXPECT_NE(m.mime().children[1].children[0].raw.find("X-Before: 1\r\n"), std::string_view::npos);
    EXPECT_EQ(r.message_edits[0].after_header_edits, 1u);
}

TEST(replace_enclose, keep_fileinto_and_the_implicit_keep_deliver_the_new_message) {
    auto keep = run_on("require \"replace\"; replace \"x\";");
    EXPECT_EQ(summary(keep), "keep*");
    EXPECT_TRUE(keep.message.has_value());
    auto filed = run_on("require [\"enclose\", \"fileinto\"]; fileinto \"A\"; enclose \"x\"; keep;");
    EXPECT_EQ(summary(filed), "fileinto:A; keep");
    EXPECT_EQ(delivered(filed).mime().subtype, "mixed");
    auto untouched = run_on("require \"replace\"; if false { replace \"x\"; }");
    EXPECT_FALSE(untouched.message.has_value());
    EXPECT_TRUE(untouched.message_edits.empty());
}

TEST(replace_enclose, a_message_over_the_size_limit_is_a_runtime_error) {
    eval_limits small;
    small.max_rewritten_message_size = 400;
    auto r =
        run_on("require [\"enclose\", \"fileinto\"];\nfileinto \"A\";\nenclose \"x\";", html_message, small);
    EXPECT_EQ(r.status, run_status::runtime_error);
    EXPECT_EQ(summary(r), "keep*");
    EXPECT_FALSE(r.message.has_value());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("line 3:"), std::string::npos);
    EXPECT_NE(r.errors[0].find("more than the 400 allowed"), std::string::npos);
    EXPECT_TRUE(run_on("require \"replace\"; replace \"x\";", html_message, small).ok());  // about 300 octets
    EXPECT_EQ(eval_limits{}.max_rewritten_message_size, std::size_t(64) << 20);
}

TEST(replace_enclose, they_run_at_most_max_actions_times) {
    eval_limits two;
    two.max_actions = 2;
    auto r = run_on("require \"replace\"; replace \"a\"; replace \"b\"; replace \"c\";", html_message, two);
    EXPECT_EQ(r.status, run_status::runtime_error);
    EXPECT_NE(r.errors[0].find("too many replace/enclose actions (limit 2)"), std::string::npos);
}

TEST(replace_enclose, a_later_runtime_error_keeps_the_message_as_it_came) {
    auto r = run_on("require [\"replace\", \"ihave\"];\nreplace \"x\";\nerror \"stop here\";");
    EXPECT_EQ(r.status, run_status::runtime_error);
    EXPECT_EQ(summary(r), "keep*");
    EXPECT_FALSE(r.message.has_value());
    EXPECT_TRUE(r.message_edits.empty());
}

TEST(replace_enclose, lf_messages_keep_lf_line_ends) {
    auto r = run_on(
        "require [\"replace\", \"enclose\"];\nreplace :subject \"Grüße aus einer sehr langen Zeile, "
        "die gefaltet werden muss\" \"a\nb\";\nenclose \"t\";",
        "From: a@example.com\nSubject: s\n\nbody\n");
    ASSERT_TRUE(r.message.has_value());
    EXPECT_EQ(r.message->data.find('\r'), std::string::npos);
    auto m = delivered(r);
    const auto& inner = m.mime().children[1].children[0];
    EXPECT_EQ(mail::decoded_text(inner), "a\nb\n");
}

TEST(replace_enclose, header_edits_in_an_lf_message_keep_lf_line_ends) {
    // addheader folds a long encoded value; in a message written with bare
    // LFs the new message must not gain CRLFs there (or anywhere).
    std::string lf_message = html_message;
    for (std::size_t at; (at = lf_message.find("\r\n")) != std::string::npos;) lf_message.erase(at, 1);
    auto r = run_on(
        "require [\"editheader\", \"replace\"];\n"
        "addheader \"X-Note\" \"Grüß" +
            std::string(120, 'e') +
            "\";\n"
            "replace :subject \"Grüße aus Köln\" \"new body\";",
        lf_message);
    ASSERT_TRUE(r.ok()) << summary(r);
    ASSERT_TRUE(r.message.has_value());
    EXPECT_EQ(r.message->data.find('\r'), std::string::npos) << r.message->data;
    EXPECT_EQ(field(delivered(r), "X-Note"), "Grüß" + std::string(120, 'e'));
}

TEST(replace_enclose, ihave_and_dump_know_them) {
    EXPECT_EQ(summary(run_on("require \"ihave\"; if ihave [\"replace\", \"enclose\"] { discard; }")),
              "discard");
    auto s = compiled(
        "require [\"replace\", \"enclose\"];\nreplace :mime :subject \"s\" \"Content-Type: "
        "text/plain\n\nx\";\n"
        "enclose :headers [\"To\"] \"t\";");
    auto dump = s.dump();
    EXPECT_NE(dump.find("act_replace"), std::string::npos);
    EXPECT_NE(dump.find("act_enclose"), std::string::npos);
    EXPECT_EQ(s.needs(), needs::body);
}

}  // namespace
}  // namespace sift::testing
