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

#include <locale.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::attachment_tests {
namespace {

using member = std::pair<std::string, std::string>;  // path, content

// An archive in `format` ("zip", "7zip", "ustar", "cpio"...) with
// `filter` ("gzip", "bzip2", "xz" or ""), optionally zip-encrypted.
std::string make_archive(const std::vector<member>& members, const char* format, const char* filter = "",
                         const char* passphrase = nullptr, const char* options = nullptr) {
    archive* a = archive_write_new();
    EXPECT_EQ(archive_write_set_format_by_name(a, format), ARCHIVE_OK) << archive_error_string(a);
    if (*filter) {
        EXPECT_EQ(archive_write_add_filter_by_name(a, filter), ARCHIVE_OK) << archive_error_string(a);
    }
    if (options) {
        EXPECT_EQ(archive_write_set_options(a, options), ARCHIVE_OK) << archive_error_string(a);
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
    // Printable ASCII is kept whole without the walk; the bytes at its
    // edges (0x1F, 0x7F) are controls and removed, as is any other.
    for (std::string raw : {"a\x7F"
                            "b.exe",
                            "a\x1F"
                            "b.exe",
                            "\x7F"
                            "ab.exe",
                            "ab.exe\x01"}) {
        auto n = normalise_name(raw);
        EXPECT_EQ(n.name, "ab.exe") << raw;
        EXPECT_TRUE(n.invisible) << raw;
    }
    EXPECT_FALSE(normalise_name(" ~ab.exe").invisible);
    EXPECT_EQ(normalise_name(" ~ab.exe").name, " ~ab.exe");
    // ASCII folds to its lower case (without ICU); a name with any other
    // character is folded whole by ICU: "STRASSE.EXE" and "Straße.EXE".
    std::string ascii;
    for (int c = 0x20; c < 0x7F; ++c)
        if (c != '/' && c != '\\') ascii += char(c);
    ascii += "x";  // not a trailing dot or space
    std::string lower = ascii;
    for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(normalise_name(ascii).name, lower);
    EXPECT_EQ(normalise_name("STRASSE.EXE").name, "strasse.exe");
    EXPECT_EQ(normalise_name("Stra\xC3\x9F"
                             "e.EXE")
                  .name,
              "strasse.exe");  // ß folds to "ss"
    EXPECT_EQ(normalise_name("\xCE\xA3IGMA.EXE").name, "\xCF\x83igma.exe");
}

TEST(attachment, every_suffix_is_an_extension) {
    auto e = ext::name_extensions("photo.jpg.scr");
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[0], "scr");
    EXPECT_EQ(e[1], "jpg.scr");
    EXPECT_TRUE(ext::name_extensions("readme").empty());
    ASSERT_EQ(ext::name_extensions(".profile").size(), 1u);
    EXPECT_EQ(ext::name_extensions(".profile")[0], "profile");
    for (std::string_view name : {"photo.jpg.scr", "readme", ".profile", "a..zip", "a.zip.", "a..", ".", "..",
                                  "", "x.tar.gz", "..zip", "a.b..c"}) {
        auto all = ext::name_extensions(name);
        EXPECT_EQ(ext::last_extension(name), all.empty() ? std::string_view() : all.front()) << name;
    }
    EXPECT_TRUE(ext::is_office_document("report.docx"));
    EXPECT_TRUE(ext::is_office_document("sheet.ods"));
    EXPECT_FALSE(ext::is_office_document("docs.zip"));
}

// any_extension gives name_extensions' suffixes in their order and stops
// at the first the callback takes; is_office_document (extensions compared
// as numbers) agrees with a plain search of the list, whatever the length.
TEST(attachment, extensions_one_at_a_time_and_office_documents_by_number) {
    for (std::string_view name : {"photo.jpg.scr", "readme", ".profile", "a..zip", "a.zip.", "a..", ".", "..",
                                  "", "x.tar.gz", "..zip", "a.b..c"}) {
        std::vector<std::string_view> seen;
        EXPECT_FALSE(ext::any_extension(name, [&](std::string_view e) {
            seen.push_back(e);
            return false;
        })) << name;
        EXPECT_EQ(seen, ext::name_extensions(name)) << name;
        std::size_t calls = 0;
        EXPECT_EQ(ext::any_extension(name, [&](std::string_view) { return ++calls == 1; }), !seen.empty())
            << name;
        EXPECT_EQ(calls, seen.empty() ? 0u : 1u) << name;
    }
    const std::vector<std::string> documents{"docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "xltm",
                                             "xlsb", "xlam", "pptx", "pptm", "potx", "potm", "ppsx", "ppsm",
                                             "ppam", "sldx", "vsdx", "xps",  "oxps", "odt",  "ods",  "odp",
                                             "odg",  "odf",  "odb",  "ott",  "ots",  "otp",  "otg"};
    for (const auto& d : documents) {
        EXPECT_TRUE(ext::is_office_document("a." + d)) << d;
        EXPECT_TRUE(ext::is_office_document("a.zip." + d)) << d;
        EXPECT_FALSE(ext::is_office_document("a." + d + "x")) << d;
        bool tail_is_one = std::find(documents.begin(), documents.end(), d.substr(1)) != documents.end();
        EXPECT_EQ(ext::is_office_document("a." + d.substr(1)), tail_is_one) << d;  // "oxps": "xps" is one
        EXPECT_FALSE(ext::is_office_document(d)) << d;                             // no dot: no extension
        EXPECT_FALSE(ext::is_office_document(std::string("a.\0", 3) + d.substr(1))) << d;
        EXPECT_FALSE(ext::is_office_document(std::string("a.\0", 3) + d)) << d;
    }
    for (std::string_view name : {"", ".", "a.", "a.d", "a.do", "a.docxx", "a.DOCX", "a.docx.zip", "a.txt"})
        EXPECT_FALSE(ext::is_office_document(name)) << name;
}

// A name's last path component, taken from printable ASCII without a copy
// of the whole: separators at either end, both kinds, none.
TEST(attachment, last_path_components_of_printable_names) {
    using ext::normalise_name;
    for (auto [raw, name] : {std::pair<std::string_view, std::string_view>{"/", ""},
                             {"\\", ""},
                             {"dir/", ""},
                             {"/x.exe", "x.exe"},
                             {"a\\b/c\\D.Exe", "d.exe"},
                             {"a/b\\", ""},
                             {"a/. .", ""},
                             {"a/b. .", "b"},
                             {"x", "x"},
                             {"", ""}}) {
        auto n = normalise_name(raw);
        EXPECT_EQ(n.name, name) << raw;
        EXPECT_FALSE(n.bidi || n.invisible) << raw;
        // The same as the walk gives (a name with a control to remove).
        auto walked = normalise_name(std::string(raw) + "\x01");
        EXPECT_EQ(walked.name, name) << raw;
        EXPECT_EQ(walked.shown, n.shown) << raw;
        EXPECT_TRUE(walked.invisible) << raw;
    }
    EXPECT_EQ(normalise_name("a/B\x01.exe").name, "b.exe");
    EXPECT_EQ(normalise_name("a/B.exe").shown, "B.exe");
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

// Everything a scan found, as text: files and defects in order.
std::string scanned(const std::string& msg, std::size_t block, const attachment_options& quota = {},
                    bool every_reader = false) {
    auto root = sift::mail::parse_mime(msg, sift::message_limits{});
    auto scan = sift::ext::scan_attachments(root, quota, block, every_reader);
    std::string out;
    for (const auto& f : scan.files)
        out += "file " + f.name + " | " + f.carrier + " | " + f.path + " | " + f.part + " | " +
               std::to_string(f.depth) + "\n";
    for (const auto& d : scan.defects) out += "defect " + std::to_string(int(d.kind)) + " " + d.detail + "\n";
    return out;
}

// Archives handed to libarchive in small blocks (the default) give what
// the whole buffer in one block (archive_read_open_memory's way) gives:
// names, defects and quotas, on archives of every kind made here.
std::vector<std::pair<std::string, std::string>> sample_archives() {
    std::string big(200000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = char((i * 7919) ^ (i >> 3));
    std::vector<member> ten;
    for (int i = 0; i < 10; ++i)
        ten.push_back({"doc" + std::to_string(i) + ".txt", std::string(10000, char('a' + i))});
    ten.push_back({"run.exe", "MZ" + big.substr(0, 3000)});
    auto inner = make_archive(ten, "zip");
    auto tgz = make_archive({{"first.txt", big}, {"second.exe", "MZ"}}, "ustar", "gzip");
    std::vector<member> many;
    for (int i = 0; i < 120; ++i) many.push_back({"f" + std::to_string(i) + ".txt", "x"});
    std::vector<std::pair<std::string, std::string>> cases{
        {"ten.zip", inner},
        {"stored.zip", make_archive(ten, "zip", "", nullptr, "zip:compression=store")},
        {"outer.zip", make_archive({{"inner.zip", inner}, {"note.txt", big}}, "zip")},
        {"deep.zip", make_archive({{"a.zip", make_archive({{"b.zip", inner}}, "zip")}}, "zip")},
        {"ten.7z", make_archive(ten, "7zip")},
        {"ten.tar.gz", make_archive(ten, "ustar", "gzip")},
        {"ten.cpio.bz2", make_archive(ten, "cpio", "bzip2")},
        {"ten.tar.xz", make_archive(ten, "pax", "xz")},
        {"cut.tar.gz", tgz.substr(0, tgz.size() / 2)},
        {"cut.zip", inner.substr(0, inner.size() / 2)},
        {"head.zip", inner.substr(0, 600)},
        {"locked.zip", make_archive({{"secret.txt", "x"}, {"inner.zip", inner}}, "zip", "", "infected")},
        {"bomb.tar.gz",
         make_archive({{"zeros.bin", std::string(8 << 20, '\0')}, {"late.exe", "MZ"}}, "ustar", "gzip")},
        {"zeros.zip", make_archive({{"zeros.bin", std::string(8 << 20, '\0')}, {"late.exe", "MZ"}}, "zip")},
        {"many.zip", make_archive(many, "zip")},
        {"broken.zip", "this is not a zip file at all"},
        {"one.gz", make_archive({{"x", big}}, "raw", "gzip")},
    };
    return cases;
}

TEST(attachment, bounded_reads_find_what_whole_buffer_reads_find) {
    auto cases = sample_archives();
    attachment_options few;
    few.max_entries = 100;
    for (const auto& [name, bytes] : cases) {
        auto msg = attached(name, bytes);
        auto whole = scanned(msg, 0);
        EXPECT_NE(whole, "") << name;
        for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{512}, std::size_t{4096},
                                  sift::ext::archive_read_block})
            EXPECT_EQ(scanned(msg, block), whole) << name << " in blocks of " << block;
        EXPECT_EQ(scanned(msg, sift::ext::archive_read_block, few), scanned(msg, 0, few)) << name;
    }
}

// The same over clamav-testfiles' archives (zip, 7z, rar, cab, tar,
// arj...), which tests/cli/attachment_corpus.py also runs.
TEST(attachment, bounded_reads_on_clamav_testfiles) {
    const std::filesystem::path dir = "/usr/share/clamav-testfiles";
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << " is missing: run scripts/install-deps";
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        auto msg = attached(entry.path().filename().string(), bytes.str());
        EXPECT_EQ(scanned(msg, sift::ext::archive_read_block), scanned(msg, 0)) << entry.path();
        EXPECT_EQ(scanned(msg, 1), scanned(msg, 0)) << entry.path();
        ++files;
    }
    EXPECT_GT(files, 20);
}

// A zip with long.txt's recorded CRC (central directory, data
// descriptor, local header) changed.
std::string bad_crc(std::string zip) {
    for (auto [magic, offset] :
         {std::pair{std::string("PK\x01\x02", 4), 16}, std::pair{std::string("PK\x07\x08", 4), 4},
          std::pair{std::string("PK\x03\x04", 4), 14}}) {
        auto at = zip.find(magic);
        EXPECT_NE(at, std::string::npos);
        if (at != std::string::npos) zip[at + std::size_t(offset)] ^= 1;
    }
    return zip;
}

// The one difference, deliberate (docs/ATTACHMENTS.md, "Bounded reads"):
// a member's CRC is checked when the scan reads it to its end. Before,
// libarchive inflated a deflated member up to 256 KiB for the 512 bytes a
// sniff reads, and so checked the CRC of those members (not of stored
// ones, nor of longer ones); now a member the sniff leaves is not read to
// its end. One read to its end (a short one, a nested archive) is still
// archive_unreadable when its CRC is wrong.
TEST(attachment, bad_crc_is_seen_in_members_read_to_their_end) {
    const std::string unreadable =
        "defect " + std::to_string(int(mail::defect_kind::archive_unreadable)) + " ";
    std::string text;
    for (int i = 0; i < 3000; ++i) text += std::to_string(i * 7919 % 1000) + " ";
    auto zip = bad_crc(make_archive({{"long.txt", text}, {"short.txt", "short"}}, "zip"));
    EXPECT_NE(scanned(attached("d.zip", zip), 0).find(unreadable + "part 2: d.zip/long.txt: ZIP bad CRC"),
              std::string::npos);
    auto now = scanned(attached("d.zip", zip), sift::ext::archive_read_block);
    EXPECT_EQ(now.find("defect"), std::string::npos) << now;
    EXPECT_NE(now.find("file long.txt | d.zip | d.zip/long.txt"), std::string::npos) << now;

    auto small = bad_crc(make_archive({{"short.txt", "short"}, {"long.txt", text}}, "zip"));
    now = scanned(attached("s.zip", small), sift::ext::archive_read_block);
    EXPECT_NE(now.find(unreadable + "part 2: s.zip/short.txt: ZIP bad CRC"), std::string::npos) << now;
    EXPECT_EQ(now, scanned(attached("s.zip", small), 0));

    auto inner = make_archive({{"long.txt", text}, {"run.exe", "MZ"}}, "zip");
    auto nested = bad_crc(make_archive({{"inner.zip", inner}}, "zip"));
    now = scanned(attached("n.zip", nested), sift::ext::archive_read_block);
    EXPECT_NE(now.find(unreadable + "part 2: n.zip/inner.zip: ZIP bad CRC"), std::string::npos) << now;
    EXPECT_EQ(now, scanned(attached("n.zip", nested), 0));
}

// An archive's bytes from a file: the clamav-testfiles ones.
std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// A zip is offered to the zip readers (and raw) only, and everything
// else to every reader (docs/ATTACHMENTS.md, "Choosing the readers"):
// the scan finds the same either way, on every sample archive and every
// clamav-testfiles file.
TEST(attachment, zip_readers_alone_find_what_every_reader_finds) {
    using sift::ext::archive_readers;
    using sift::ext::readers_for;
    int zips = 0;
    auto compare = [&](const std::string& name, const std::string& bytes) {
        auto msg = attached(name, bytes);
        auto every = scanned(msg, sift::ext::archive_read_block, {}, true);
        EXPECT_EQ(scanned(msg, sift::ext::archive_read_block), every) << name;
        EXPECT_EQ(scanned(msg, 0), scanned(msg, 0, {}, true)) << name;
        zips += readers_for(bytes) == archive_readers::zip;
    };
    for (const auto& [name, bytes] : sample_archives()) compare(name, bytes);
    const std::filesystem::path dir = "/usr/share/clamav-testfiles";
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << " is missing: run scripts/install-deps";
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        compare(entry.path().filename().string(), file_bytes(entry.path()));
    EXPECT_GT(zips, 10);

    auto zip = make_archive({{"run.exe", "MZ"}, {"notes.txt", "hello"}}, "zip");
    EXPECT_EQ(readers_for(zip), archive_readers::zip);
    EXPECT_EQ(readers_for(std::string("PK\x05\x06", 4) + std::string(18, '\0')), archive_readers::zip);
    for (auto other : {make_archive({{"run.exe", "MZ"}}, "7zip"), make_archive({{"run.exe", "MZ"}}, "ustar"),
                       make_archive({{"run.exe", "MZ"}}, "ustar", "bzip2"), std::string("not an archive")})
        EXPECT_EQ(readers_for(other), archive_readers::every);
}

// The names of the files of an archive as libarchive gives them
// (archive_entry_pathname_utf8), read here with every reader.
std::vector<std::string> utf8_names(const std::string& bytes) {
    std::vector<std::string> out;
    archive* a = archive_read_new();
    archive_read_support_format_all(a);
    archive_read_support_filter_all(a);
    EXPECT_EQ(archive_read_open_memory(a, bytes.data(), bytes.size()), ARCHIVE_OK);
    archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        if (archive_entry_filetype(e) == AE_IFDIR) continue;
        const char* name = archive_entry_pathname_utf8(e);
        out.push_back(name ? name : "(none)");
    }
    archive_read_free(a);
    return out;
}

// ASCII names of zip and tar members are taken as the reader stored them,
// without archive_entry_pathname_utf8's conversion; other names, and
// other readers' names, through it. Either way the paths are libarchive's
// UTF-8 names.
TEST(attachment, member_names_as_libarchive_gives_them_in_utf8) {
    // Written and read back here in C.UTF-8, as the scan reads: libarchive
    // converts names through the locale, and "C" has no non-ASCII ones.
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(0));
    ASSERT_NE(utf8, locale_t(0));
    locale_t previous = uselocale(utf8);
    std::vector<member> files{{"docs/run.exe", "MZ"},
                              {"\xC3\x84rger/Stra\xC3\x9F"
                               "e.exe",
                               "MZ"},
                              {"\xE6\x97\xA5\xE6\x9C\xAC.txt", "x"},
                              {"plain name.txt", "y"}};
    for (auto [format, filter] : {std::pair{"zip", ""},
                                  {"ustar", "gzip"},
                                  {"pax", ""},
                                  {"gnutar", "gzip"},
                                  {"7zip", ""},
                                  {"cpio", ""},
                                  {"iso9660", ""},
                                  {"xar", ""}}) {
        auto data = make_archive(files, format, filter);
        auto names = utf8_names(data);
        ASSERT_EQ(names.size(), files.size()) << format;
        auto found = scanned(attached("f.dat", data), sift::ext::archive_read_block);
        for (const auto& name : names)
            EXPECT_NE(found.find(" | f.dat | f.dat/" + name + " | 2 | 1\n"), std::string::npos)
                << format << ": " << name << "\n"
                << found;
        EXPECT_EQ(found, scanned(attached("f.dat", data), sift::ext::archive_read_block, {}, true)) << format;
    }
    uselocale(previous);
    freelocale(utf8);
}

// A zip is opened with the seekable zip reader alone first, and with the
// streamable and seekable pair when that one does not bid (no end of
// central directory record it accepts in the last 16 KiB): the scan finds
// what every reader finds either way. Without the second open these would
// be archive_unreadable.
TEST(attachment, zips_the_seekable_reader_refuses_are_read_as_before) {
    auto zip = make_archive({{"run.exe", "MZ"}, {"notes.txt", "hello"}}, "zip");
    auto eocd = zip.rfind(std::string("PK\x05\x06", 4));
    ASSERT_NE(eocd, std::string::npos);
    auto other_disk = zip;
    other_disk[eocd + 4] = 1;  // "disk 1": read_eocd refuses it
    std::vector<std::pair<std::string, std::string>> cases{
        {"trailing.zip", zip + std::string(20000, 'x')},  // the record is not in the last 16 KiB
        {"disk.zip", other_disk},
        {"no-eocd.zip", zip.substr(0, eocd)},
    };
    for (const auto& [name, bytes] : cases) {
        ASSERT_EQ(sift::ext::readers_for(bytes), sift::ext::archive_readers::zip) << name;
        auto found = scanned(attached(name, bytes), sift::ext::archive_read_block);
        EXPECT_NE(found.find("file run.exe | " + name + " | " + name + "/run.exe | 2 | 1"), std::string::npos)
            << found;
        EXPECT_EQ(found, scanned(attached(name, bytes), sift::ext::archive_read_block, {}, true)) << name;
        EXPECT_EQ(scanned(attached(name, bytes), 0), scanned(attached(name, bytes), 0, {}, true)) << name;
    }
}

// Zips the zip signature does not start: a self-extracting .exe or bytes
// before the zip. Every reader gets them, and the seekable zip reader
// reads them by the end-of-central-directory record at their end.
TEST(attachment, zips_not_at_the_start_are_read_by_their_central_directory) {
    auto zip = make_archive({{"run.exe", "MZ"}, {"notes.txt", "hello"}}, "zip");
    for (const auto& prefix : {std::string("MZ\x90\x00") + std::string(3000, 'x'), std::string(700, '\0'),
                               std::string("junk before the archive\n")}) {
        auto bytes = prefix + zip;
        EXPECT_EQ(sift::ext::readers_for(bytes), sift::ext::archive_readers::every);
        auto found = scanned(attached("setup.zip", bytes), sift::ext::archive_read_block);
        EXPECT_NE(found.find("file run.exe | setup.zip | setup.zip/run.exe | 2 | 1"), std::string::npos)
            << found;
        EXPECT_NE(found.find("file notes.txt | setup.zip | setup.zip/notes.txt | 2 | 1"), std::string::npos)
            << found;
        EXPECT_EQ(found.find("defect"), std::string::npos) << found;
    }
}

// Bytes that start as a zip but that libarchive's bidding gives to
// another reader: a tar whose first member is named "PK\3\4..." (tar's
// checksum bid beats zip's), an ISO 9660 image whose unused system area
// starts "PK\3\4" (its "CD001" bid beats zip's). They go to every
// reader, and are read as what they are; the zip readers alone would
// call them unreadable.
TEST(attachment, zip_signatures_other_readers_outbid) {
    auto tar = make_archive({{"PK\x03\x04"
                              "evil.txt",
                              "x"},
                             {"run.exe", "MZ"}},
                            "ustar");
    ASSERT_EQ(tar.substr(0, 4), std::string("PK\x03\x04", 4));
    auto iso = make_archive({{"run.exe", "MZ"}}, "iso9660");
    ASSERT_GT(iso.size(), 32774u);
    ASSERT_EQ(iso.substr(32769, 5), "CD001");
    iso.replace(0, 4, std::string("PK\x03\x04", 4));
    iso[148] = 'x';  // not an octal digit: only the ISO 9660 reader bids beside zip's
    const std::string unreadable =
        "defect " + std::to_string(int(mail::defect_kind::archive_unreadable)) + " ";
    for (const auto& [name, bytes] :
         {std::pair{std::string("t.dat"), tar}, std::pair{std::string("i.dat"), iso}}) {
        EXPECT_EQ(sift::ext::readers_for(bytes), sift::ext::archive_readers::every) << name;
        auto found = scanned(attached(name, bytes), sift::ext::archive_read_block);
        EXPECT_NE(found.find("file run.exe | " + name + " | " + name + "/run.exe | 2 | 1"), std::string::npos)
            << found;
        EXPECT_EQ(found.find(unreadable), std::string::npos) << found;
        EXPECT_EQ(found, scanned(attached(name, bytes), sift::ext::archive_read_block, {}, true));
    }
}

// A tar.gz goes to the tar reader (and raw) alone when its first header,
// inflated, is one tar outbids every reader on (ustar magic, right
// checksum, octal fields) and no filter bids on in turn; anything else
// goes to every reader, and reads as libarchive reads it with all of them.
TEST(attachment, tar_gz_readers_chosen_by_the_first_header) {
    using sift::ext::archive_readers;
    using sift::ext::readers_for;
    std::vector<member> files{{"run.exe", "MZ"}, {"notes.txt", "hello"}};
    EXPECT_EQ(readers_for(make_archive(files, "ustar", "gzip")), archive_readers::tar);
    EXPECT_EQ(readers_for(make_archive(files, "pax", "gzip")), archive_readers::tar);
    EXPECT_EQ(readers_for(make_archive(files, "gnutar", "gzip")), archive_readers::tar);
    // No ustar magic (its bid, 50, is not above every other reader's).
    EXPECT_EQ(readers_for(make_archive(files, "v7tar", "gzip")), archive_readers::every);
    EXPECT_EQ(readers_for(make_archive(files, "cpio", "gzip")), archive_readers::every);
    EXPECT_EQ(readers_for(make_archive({{"x", std::string(600, 'x')}}, "raw", "gzip")),
              archive_readers::every);
    // A first name the bzip2 filter bids on: libarchive stacks bzip2 on gzip.
    EXPECT_EQ(readers_for(make_archive({{"BZh91AY&SY", "x"}}, "ustar", "gzip")), archive_readers::every);
    // The gzip header with a file name (flag 8): not read here.
    auto named = make_archive(files, "ustar", "gzip");
    ASSERT_EQ(named.substr(0, 4), std::string("\x1F\x8B\x08\x00", 4));
    named.replace(3, 1, 1, '\x08');
    named.insert(10, std::string("a.tar\0", 6));
    EXPECT_EQ(readers_for(named), archive_readers::every);

    // A cpio whose first member holds "ustar\0" "00" where a tar header's
    // magic would be: its checksum field is not octal, so tar does not bid
    // and the cpio reader takes it, as with every reader.
    std::string content = std::string(179, 'a') +
                          std::string(
                              "ustar\0"
                              "00",
                              8) +
                          std::string(300, 'b');
    auto cpio = make_archive({{"x", content}, {"run.exe", "MZ"}}, "odc", "gzip");
    EXPECT_EQ(readers_for(cpio), archive_readers::every);
    auto found = scanned(attached("c.gz", cpio), sift::ext::archive_read_block);
    EXPECT_NE(found.find("file run.exe | c.gz | c.gz/run.exe | 2 | 1"), std::string::npos) << found;
    // The same header with a right checksum and octal fields is a tar.
    std::string header(512, '\0');
    header.replace(0, 7, "run.exe");
    header.replace(100, 7, "0000644");
    header.replace(108, 7, "0000000");
    header.replace(116, 7, "0000000");
    header.replace(124, 11, "00000000002");
    header.replace(136, 11, "00000000000");
    header[156] = '0';
    header.replace(257, 8,
                   std::string("ustar\0"
                               "00",
                               8));
    unsigned sum = 8 * ' ';
    for (std::size_t k = 0; k < 512; ++k)
        if (k < 148 || k >= 156) sum += static_cast<unsigned char>(header[k]);
    char digits[8];
    std::snprintf(digits, sizeof digits, "%06o", sum);
    header.replace(148, 8, std::string(digits, 6) + std::string("\0 ", 2));
    std::string tar = header + "MZ" + std::string(510, '\0') + std::string(1024, '\0');
    auto tgz = make_archive({{"t", tar}}, "raw", "gzip");
    EXPECT_EQ(readers_for(tgz), archive_readers::tar);
    found = scanned(attached("t.gz", tgz), sift::ext::archive_read_block);
    EXPECT_NE(found.find("file run.exe | t.gz | t.gz/run.exe | 2 | 1"), std::string::npos) << found;
    header[148] = '1';  // a wrong checksum: raw (a single compressed file), as with every reader
    auto bad = make_archive({{"t", header + std::string(1536, '\0')}}, "raw", "gzip");
    EXPECT_EQ(readers_for(bad), archive_readers::every);

    for (const auto& [name, bytes] :
         {std::pair{std::string("c.gz"), cpio}, std::pair{std::string("t.gz"), tgz},
          std::pair{std::string("b.gz"), bad}, std::pair{std::string("n.tgz"), named},
          std::pair{std::string("z.tgz"), make_archive({{"BZh91AY&SY", "x"}}, "ustar", "gzip")}})
        EXPECT_EQ(scanned(attached(name, bytes), sift::ext::archive_read_block),
                  scanned(attached(name, bytes), sift::ext::archive_read_block, {}, true))
            << name;
}

}  // namespace
}  // namespace sift::testing::attachment_tests
