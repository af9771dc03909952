// vnd.sift.attachment: file names as they are matched (attachment.hpp).
#include "ext/attachment/attachment.hpp"

#include "mail/header.hpp"

#include <unicode/unistr.h>

#include <algorithm>
#include <array>

namespace sift::ext {

// One code point of UTF-8 at s[i], or -1 for a byte that starts none (it
// is kept as written; ICU makes it U+FFFD when folding).
long decode_code_point(std::string_view s, std::size_t i, std::size_t& length) {
    auto b = static_cast<unsigned char>(s[i]);
    length = 1;
    if (b < 0x80) return b;
    std::size_t n = b >= 0xF0 && b < 0xF5 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
    if (n == 0 || b >= 0xF5 || i + n > s.size()) return -1;
    long cp = b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
        auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (c & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp < 0xE000))
        return -1;
    length = n;
    return cp;
}

namespace {

bool is_bidi_control(long cp) {
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
           cp == 0x061C;
}

bool is_invisible(long cp) {
    return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD || cp < 0x20 ||
           (cp >= 0x7F && cp < 0xA0);
}

}  // namespace

bool hidden_code_point(long cp) {
    return is_bidi_control(cp) || is_invisible(cp);
}

bool printable_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

normalised_name normalise_name(std::string_view raw) {
    normalised_name out;
    std::string kept;
    if (printable_ascii(raw)) {
        kept = raw;  // no control, direction or zero-width character: most names
    } else {
        kept.reserve(raw.size());
        for (std::size_t i = 0; i < raw.size();) {
            std::size_t length = 1;
            long cp = decode_code_point(raw, i, length);
            if (cp >= 0 && is_bidi_control(cp)) {
                out.bidi = true;
            } else if (cp >= 0 && is_invisible(cp)) {
                out.invisible = true;
            } else {
                kept.append(raw.substr(i, length));
            }
            i += length;
        }
    }
    // The last path component: a name may carry a Windows or Unix path
    // ("C:\\temp\\x.exe"), and archive members always do.
    if (auto slash = kept.find_last_of("/\\"); slash != std::string::npos) kept.erase(0, slash + 1);
    while (!kept.empty() && (kept.back() == '.' || kept.back() == ' ')) kept.pop_back();
    out.shown = kept;
    if (std::all_of(kept.begin(), kept.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        // Unicode case folding maps ASCII to ASCII lower case, and nothing
        // else of it: most names are ASCII, and need no ICU string.
        out.name = std::move(kept);
        for (char& c : out.name) c = mail::ascii_lower(c);
    } else {
        icu::UnicodeString::fromUTF8(kept).foldCase().toUTF8String(out.name);
    }
    return out;
}

std::vector<std::string_view> name_extensions(std::string_view name) {
    std::vector<std::string_view> out;
    for (auto dot = name.rfind('.'); dot != std::string_view::npos; dot = name.rfind('.', dot - 1)) {
        if (dot + 1 < name.size() && name[dot + 1] != '.') out.push_back(name.substr(dot + 1));
        if (dot == 0) break;
    }
    return out;
}

std::string_view last_extension(std::string_view name) {
    for (auto dot = name.rfind('.'); dot != std::string_view::npos; dot = name.rfind('.', dot - 1)) {
        if (dot + 1 < name.size() && name[dot + 1] != '.') return name.substr(dot + 1);
        if (dot == 0) break;
    }
    return {};
}

bool is_office_document(std::string_view name) {
    static constexpr std::array<std::string_view, 31> documents{
        "docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "xltm", "xlsb", "xlam", "pptx",
        "pptm", "potx", "potm", "ppsx", "ppsm", "ppam", "sldx", "vsdx", "xps",  "oxps", "odt",
        "ods",  "odp",  "odg",  "odf",  "odb",  "ott",  "ots",  "otp",  "otg"};
    auto ext = last_extension(name);
    return !ext.empty() && std::find(documents.begin(), documents.end(), ext) != documents.end();
}

}  // namespace sift::ext
