// vnd.sift.attachment: names of attached files, normalised, inside
// message/rfc822 parts and archives, the match variables, the defects.
// The archives are written here with libarchive's writer (the reader under
// test is a different code path); tests/cli/attachment_corpus.py runs the
// real archives of clamav-testfiles and those bsdtar and 7z make.
#include "ext/attachment/attachment.hpp"
#include "mail/encode.hpp"

#include "test_support.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <utility>
#include <vector>

namespace sift::testing {
namespace {

using member = std::pair<std::string, std::string>;  // path, content

// An archive in `format` ("zip", "7zip", "ustar", "cpio"...) with
// `filter` ("gzip", "bzip2", "xz" or ""), optionally zip-encrypted.
std::string make_archive(const std::vector<member>& members, const char* format, const char* filter = "",
                         const char* passphrase = nullptr) {
    archive* a = archive_write_new();
    EXPECT_EQ(archive_write_set_format_by_name(a, format), ARCHIVE_OK) << archive_error_string(a);
    if (*filter) {
        EXPECT_EQ(archive_write_add_filter_by_name(a, filter), ARCHIVE_OK) << archive_error_string(a);
    }
    if (passphrase) {
        EXPECT_EQ(archive_write_set_options(a, "zip:encryption=traditional"), ARCHIVE_OK)
            << archive_error_string(a);
        EXPECT_EQ(archive_write_set_passphrase(a, passphrase), ARCHIVE_OK);
    }
    std::string out(8 << 20, '\0');
    std::size_t used = 0;
    EXPECT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used), ARCHIVE_OK)
        << archive_error_string(a);
    for (const auto& [path, content] : members) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname_utf8(e, path.c_str());
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, la_int64_t(content.size()));
        EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
        EXPECT_EQ(archive_write_data(a, content.data(), content.size()), la_ssize_t(content.size()));
        archive_entry_free(e);
    }
    EXPECT_EQ(archive_write_close(a), ARCHIVE_OK) << archive_error_string(a);
    archive_write_free(a);
    out.resize(used);
    return out;
}

// A message with one attachment per (header lines, content) pair.
std::string message_with(const std::vector<std::pair<std::string, std::string>>& parts) {
    std::string m =
        "From: a@example.com\r\nSubject: files\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee "
        "attached\r\n";
    for (const auto& [headers, content] : parts)
        m += "--b1\r\n" + headers + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
             sift::mail::base64_lines(content);
    return m + "--b1--\r\n";
}

std::string attached(const std::string& name, const std::string& content,
                     const std::string& type = "application/octet-stream") {
    return message_with(
        {{"Content-Type: " + type + "\r\nContent-Disposition: attachment; filename=\"" + name + "\"",
          content}});
}

constexpr const char* prelude =
    "require [\"vnd.sift.attachment\", \"vnd.sift.defects\", \"variables\", \"reject\", \"fileinto\", "
    "\"relational\", \"comparator-i;ascii-numeric\"];\n";

result evaluate(const std::string& body, std::string msg, const run_options& options = {}) {
    auto s = compiled(std::string(prelude) + body);
    auto m = message::from_raw(std::move(msg));
    return s.run(m, default_envelope(), options);
}

bool holds(const std::string& test, std::string msg, const run_options& options = {}) {
    auto r = evaluate("if " + test + " { fileinto \"yes\"; }", std::move(msg), options);
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
    return !r.actions.empty() && mailbox_of(r.actions[0]) == "yes";
}

// The reason of the first action, a reject.
std::string rejected(const std::string& body, std::string msg, const run_options& options = {}) {
    auto r = evaluate(body, std::move(msg), options);
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
    if (r.actions.empty() || !std::holds_alternative<reject_action>(r.actions[0])) return "(no reject)";
    return as<reject_action>(r.actions[0]).reason;
}

// The names of the run's defects, joined by spaces.
std::string defect_names(const result& r) {
    std::string out;
    for (const auto& d : r.defects) out += (out.empty() ? "" : " ") + d.name;
    return out;
}

const char* forbidden_rule =
    "if attachment :extension [\"exe\", \"scr\", \"js\", \"bat\"] {\n"
    "    reject \"forbidden attachment type (.${1} in ${2}) at ${3}\";\n}\n";

TEST(attachment, requires_its_capability) {
    auto errors = compile_errors("if attachment \"a.exe\" { }");
    EXPECT_NE(errors.find("vnd.sift.attachment"), std::string::npos) << errors;
    errors = compile_errors("require \"vnd.sift.attachment\"; if attachment :name :extension \"exe\" { }");
    EXPECT_FALSE(errors.empty());
}

TEST(attachment, names_are_normalised) {
    using ext::normalise_name;
    EXPECT_EQ(normalise_name("Invoice.PDF").name, "invoice.pdf");
    EXPECT_EQ(normalise_name("Invoice.PDF").shown, "Invoice.PDF");
    // Windows drops trailing dots and spaces: "evil.exe. ." opens as evil.exe.
    EXPECT_EQ(normalise_name("evil.exe. . ").name, "evil.exe");
    EXPECT_EQ(normalise_name("C:\\Users\\x\\evil.EXE").name, "evil.exe");
    EXPECT_EQ(normalise_name("dir/sub/evil.exe").name, "evil.exe");
    // "photo\u202Egpj.exe" shows as "photoexe.jpg".
    auto rlo = normalise_name("photo\xE2\x80\xAEgpj.exe");
    EXPECT_EQ(rlo.name, "photogpj.exe");
    EXPECT_TRUE(rlo.bidi);
    EXPECT_FALSE(rlo.invisible);
    auto zw = normalise_name("ev\xE2\x80\x8Bil.e\xEF\xBB\xBFxe");  // U+200B, U+FEFF
    EXPECT_EQ(zw.name, "evil.exe");
    EXPECT_TRUE(zw.invisible);
    EXPECT_FALSE(zw.bidi);
    // Unicode case folding, not only ASCII: "ÄRGER.EXE".
    EXPECT_EQ(normalise_name("\xC3\x84RGER.EXE").name, "\xC3\xA4rger.exe");
    EXPECT_EQ(normalise_name("tab\there.txt").name, "tabhere.txt");
}

TEST(attachment, every_suffix_is_an_extension) {
    auto e = ext::name_extensions("photo.jpg.scr");
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[0], "scr");
    EXPECT_EQ(e[1], "jpg.scr");
    EXPECT_TRUE(ext::name_extensions("readme").empty());
    ASSERT_EQ(ext::name_extensions(".profile").size(), 1u);
    EXPECT_EQ(ext::name_extensions(".profile")[0], "profile");
    EXPECT_TRUE(ext::is_office_document("report.docx"));
    EXPECT_TRUE(ext::is_office_document("sheet.ods"));
    EXPECT_FALSE(ext::is_office_document("docs.zip"));
}

TEST(attachment, mime_names_from_disposition_and_type) {
    auto msg = message_with(
        {{"Content-Type: application/octet-stream; name=\"by-type.bin\"", "x"},
         {"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=Report.PDF", "y"}});
    EXPECT_TRUE(holds("attachment \"by-type.bin\"", msg));
    EXPECT_TRUE(holds("attachment :is \"report.pdf\"", msg));
    EXPECT_TRUE(holds("attachment :extension \"pdf\"", msg));
    EXPECT_FALSE(holds("attachment :extension \"exe\"", msg));
    EXPECT_TRUE(holds("attachment :count \"eq\" :comparator \"i;ascii-numeric\" \"2\"", msg));
    EXPECT_TRUE(holds("attachment :matches \"*.bin\"", msg));
    // A message without attachments.
    EXPECT_FALSE(holds("attachment :matches \"*\"", sample_message));
}

TEST(attachment, rfc2231_and_rfc2047_names) {
    // RFC 2231 continuations with a charset: "Straße.exe".
    auto cont =
        message_with({{"Content-Type: application/octet-stream\r\nContent-Disposition: attachment;\r\n"
                       " filename*0*=utf-8''Stra%C3%9F;\r\n filename*1=e.exe",
                       "x"}});
    // Full Unicode case folding: "ß" is "ss".
    EXPECT_TRUE(holds("attachment :is \"strasse.exe\"", cont));
    // Outlook's encoded word in a quoted string: "Rechnung.exe".
    auto outlook = message_with(
        {{"Content-Type: application/octet-stream;\r\n name=\"=?utf-8?B?UmVjaG51bmcuZXhl?=\"", "x"}});
    EXPECT_EQ(rejected(forbidden_rule, outlook),
              "forbidden attachment type (.exe in Rechnung.exe) at Rechnung.exe");
}

TEST(attachment, double_extensions_trailing_dots_and_bidi) {
    EXPECT_EQ(rejected(forbidden_rule, attached("photo.jpg.scr", "x")),
              "forbidden attachment type (.scr in photo.jpg.scr) at photo.jpg.scr");
    EXPECT_TRUE(holds("attachment :extension \"jpg.scr\"", attached("photo.jpg.scr", "x")));
    EXPECT_EQ(rejected(forbidden_rule, attached("invoice.exe. . .", "x")),
              "forbidden attachment type (.exe in invoice.exe) at invoice.exe");
    // "invoice\u202Efdp.exe" shows as "invoiceexe.pdf".
    auto bidi = attached(
        "invoice\xE2\x80\xAE"
        "fdp.exe",
        "x");
    auto r = evaluate(forbidden_rule, bidi);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(as<reject_action>(r.actions[0]).reason,
              "forbidden attachment type (.exe in invoicefdp.exe) at invoicefdp.exe");
    EXPECT_EQ(defect_names(r), "attachment_name_bidi");
    EXPECT_NE(r.defects[0].detail.find("part 2: invoicefdp.exe"), std::string::npos) << r.defects[0].detail;
    EXPECT_TRUE(holds("defect \"attachment_name_bidi\"", bidi));
}

TEST(attachment, inside_message_rfc822) {
    std::string inner =
        "From: b@example.com\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n--in\r\n"
        "Content-Type: application/x-msdownload; name=setup.exe\r\n\r\nMZ\r\n--in--\r\n";
    std::string msg =
        "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=out\r\n\r\n--out\r\n"
        "Content-Type: text/plain\r\n\r\nfwd\r\n--out\r\nContent-Type: message/rfc822\r\n\r\n" +
        inner + "--out--\r\n";
    EXPECT_EQ(rejected(forbidden_rule, msg), "forbidden attachment type (.exe in setup.exe) at setup.exe");
}

TEST(attachment, members_of_archives) {
    auto zip = make_archive({{"docs/readme.txt", "hello"}, {"docs/bin/Clam.EXE", "MZ..."}}, "zip");
    auto msg = attached("Docs.zip", zip, "application/zip");
    EXPECT_EQ(rejected(forbidden_rule, msg),
              "forbidden attachment type (.exe in Docs.zip) at Docs.zip/docs/bin/Clam.EXE");
    EXPECT_TRUE(holds("attachment :is \"readme.txt\"", msg));
    EXPECT_TRUE(holds("attachment :is \"docs.zip\"", msg));
    // The carrier itself, and its two members.
    EXPECT_TRUE(holds("attachment :count \"eq\" :comparator \"i;ascii-numeric\" \"3\"", msg));
    // The result lists them: name, carrier, path, MIME part, depth.
    auto r = evaluate("if attachment \"none\" { }", msg);
    ASSERT_EQ(r.attachments.size(), 3u);
    auto row = [](const attached_file& f) {
        return f.name + "|" + f.carrier + "|" + f.path + "|" + f.part + "|" + std::to_string(f.depth);
    };
    EXPECT_EQ(row(r.attachments[0]), "docs.zip|Docs.zip|Docs.zip|2|0");
    EXPECT_EQ(row(r.attachments[1]), "readme.txt|Docs.zip|Docs.zip/docs/readme.txt|2|1");
    EXPECT_EQ(row(r.attachments[2]), "clam.exe|Docs.zip|Docs.zip/docs/bin/Clam.EXE|2|1");
    // A run that never scans has none.
    EXPECT_TRUE(evaluate("keep;", msg).attachments.empty());
    for (auto [format, filter] : {std::pair{"7zip", ""},
                                  {"ustar", "gzip"},
                                  {"ustar", "bzip2"},
                                  {"ustar", "xz"},
                                  {"cpio", ""},
                                  {"iso9660", ""},
                                  {"xar", ""}}) {
        auto data = make_archive({{"bin/run.bat", "@echo off"}}, format, filter);
        EXPECT_EQ(rejected(forbidden_rule, attached("files.dat", data)),
                  "forbidden attachment type (.bat in files.dat) at files.dat/bin/run.bat")
            << format << " " << filter;
    }
}

TEST(attachment, unnamed_archive_parts_are_opened_by_content) {
    auto zip = make_archive({{"payload.js", "alert(1)"}}, "zip");
    auto msg = message_with({{"Content-Type: application/octet-stream", zip}});
    EXPECT_EQ(rejected(forbidden_rule, msg),
              "forbidden attachment type (.js in (part 2)) at (part 2)/payload.js");
}

TEST(attachment, single_compressed_file) {
    archive* a = archive_write_new();
    archive_write_set_format_raw(a);
    archive_write_add_filter_gzip(a);
    std::string out(1 << 16, '\0');
    std::size_t used = 0;
    archive_write_open_memory(a, out.data(), out.size(), &used);
    archive_entry* e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_write_header(a, e);
    archive_write_data(a, "MZ", 2);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    out.resize(used);
    EXPECT_EQ(rejected(forbidden_rule, attached("clam.exe.gz", out)),
              "forbidden attachment type (.exe in clam.exe.gz) at clam.exe.gz/clam.exe");
}

TEST(attachment, nested_archives_to_the_depth_quota) {
    std::string data = "MZ";
    std::string name = "deep.exe";
    for (int level = 1; level <= 3; ++level) {
        data = make_archive({{name, data}}, "zip");
        name = "level" + std::to_string(level) + ".zip";
    }
    auto msg = attached("outer.zip", data);
    EXPECT_EQ(rejected(forbidden_rule, msg),
              "forbidden attachment type (.exe in outer.zip) at outer.zip/level2.zip/level1.zip/deep.exe");
    run_options shallow;
    shallow.attachment.max_depth = 2;  // outer.zip and level2.zip are opened, level1.zip is not
    auto r = evaluate(forbidden_rule, msg, shallow);
    EXPECT_TRUE(r.actions.empty() || !std::holds_alternative<reject_action>(r.actions[0]));
    EXPECT_EQ(defect_names(r), "archive_quota_exceeded");
    EXPECT_NE(r.defects[0].detail.find("outer.zip/level2.zip/level1.zip"), std::string::npos)
        << r.defects[0].detail;
    EXPECT_TRUE(holds("defect \"archive_quota_exceeded\"", msg, shallow));
    EXPECT_FALSE(holds("defect \"archive_quota_exceeded\"", msg));
}

TEST(attachment, office_documents_are_not_archives) {
    auto docx = make_archive({{"[Content_Types].xml", "<Types/>"},
                              {"word/vbaProject.bin", "x"},
                              {"word/embeddings/evil.exe", "MZ"}},
                             "zip");
    auto msg = attached("report.docx", docx);
    EXPECT_FALSE(holds("attachment :extension \"exe\"", msg));
    EXPECT_TRUE(holds("attachment :extension \"docx\"", msg));
    EXPECT_TRUE(holds("attachment :count \"eq\" :comparator \"i;ascii-numeric\" \"1\"", msg));
    // The same bytes named .zip are an archive.
    EXPECT_TRUE(holds("attachment :extension \"exe\"", attached("report.zip", docx)));
}

TEST(attachment, encrypted_truncated_and_unreadable_archives_are_defects) {
    auto encrypted = make_archive({{"secret.txt", "x"}, {"inner.zip", "PK\x03\x04"}}, "zip", "", "infected");
    auto r = evaluate("if defect :is \"archive_encrypted\" { fileinto \"refused\"; }",
                      attached("locked.zip", encrypted));
    EXPECT_EQ(summary(r), "fileinto:refused");
    EXPECT_EQ(defect_names(r), "archive_encrypted");
    // The names of encrypted members are still seen.
    EXPECT_TRUE(holds("attachment \"secret.txt\"", attached("locked.zip", encrypted)));

    std::string big(200000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = char((i * 7919) ^ (i >> 3));
    auto tgz = make_archive({{"first.txt", big}, {"second.exe", "MZ"}}, "ustar", "gzip");
    r = evaluate(forbidden_rule, attached("cut.tar.gz", tgz.substr(0, tgz.size() / 2)));
    EXPECT_TRUE(r.actions.empty() || !std::holds_alternative<reject_action>(r.actions[0])) << summary(r);
    EXPECT_EQ(defect_names(r), "archive_truncated");

    r = evaluate(forbidden_rule, attached("broken.zip", "this is not a zip file at all"));
    EXPECT_EQ(defect_names(r), "archive_unreadable");
    EXPECT_NE(r.defects[0].detail.find("part 2: broken.zip: "), std::string::npos) << r.defects[0].detail;
    // A file that is neither named nor typed as an archive is not opened.
    r = evaluate(forbidden_rule, attached("notes.bin", "plain bytes"));
    EXPECT_EQ(defect_names(r), "");
}

TEST(attachment, bombs_and_entry_counts_meet_the_quotas) {
    // 8 MiB of zeros compress to a few KiB: a ratio far over 200. In a
    // compressed tar, reaching the next member decompresses this one.
    auto bomb =
        make_archive({{"zeros.bin", std::string(8 << 20, '\0')}, {"late.exe", "MZ"}}, "ustar", "gzip");
    auto r = evaluate(forbidden_rule, attached("bomb.tar.gz", bomb));
    EXPECT_EQ(defect_names(r), "archive_quota_exceeded");
    EXPECT_NE(r.defects[0].detail.find("expands more than 200 times"), std::string::npos)
        << r.defects[0].detail;
    // The inspection stopped there: late.exe is not seen.
    EXPECT_TRUE(r.actions.empty() || !std::holds_alternative<reject_action>(r.actions[0])) << summary(r);
    run_options small;
    small.attachment.max_expanded = 1 << 20;
    small.attachment.max_ratio = 100000;
    r = evaluate(forbidden_rule, attached("bomb.tar.gz", bomb), small);
    EXPECT_EQ(defect_names(r), "archive_quota_exceeded");
    EXPECT_NE(r.defects[0].detail.find("bytes expanded"), std::string::npos) << r.defects[0].detail;
    // A zip's members are not decompressed to find their names: the same
    // zeros in a zip are no bomb, and late.exe is seen.
    auto zip = make_archive({{"zeros.bin", std::string(8 << 20, '\0')}, {"late.exe", "MZ"}}, "zip");
    EXPECT_EQ(rejected(forbidden_rule, attached("zeros.zip", zip)),
              "forbidden attachment type (.exe in zeros.zip) at zeros.zip/late.exe");

    std::vector<member> many;
    for (int i = 0; i < 120; ++i) many.push_back({"f" + std::to_string(i) + ".txt", "x"});
    run_options few;
    few.attachment.max_entries = 100;
    auto msg = attached("many.zip", make_archive(many, "zip"));
    r = evaluate(
        "if attachment :count \"eq\" :comparator \"i;ascii-numeric\" \"101\" { fileinto \"counted\"; }", msg,
        few);
    EXPECT_EQ(summary(r), "fileinto:counted");  // many.zip and its first 100 members
    EXPECT_EQ(defect_names(r), "archive_quota_exceeded");
    EXPECT_FALSE(holds("defect \"archive_quota_exceeded\"", msg));
}

}  // namespace
}  // namespace sift::testing
