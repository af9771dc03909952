// RFC 5051 §2: i;unicode-casemap. Each character is converted to titlecase
// (the simple titlecase mapping), then replaced by its full compatibility
// decomposition (whose characters are titlecased as well, see fold_char);
// the results are compared as i;octet. Decomposition is per character, as
// in Dovecot: combining marks are not reordered.
//
// Why ICU (Debian libicu-dev): RFC 5051 needs the Unicode titlecase
// property and the full compatibility decompositions of UnicodeData.txt.
// glibc's towupper/towlower give upper/lower case only (no titlecase for
// digraphs such as U+01C6 "dž" -> U+01C5), depend on the process locale, and
// offer no decomposition at all, so "é" (U+00E9) would never equal "e" +
// U+0301. A hand-made table of "common scripts" would be both large and
// incomplete. ICU's u_totitle and its NFKD data are exactly the tables the
// RFC names, thread-safe and locale-independent.
//
// Invalid UTF-8: each byte that does not start a well-formed sequence is
// kept as it is, so such strings still compare (as octets) but can never
// equal a valid string that differs from them.
#include "ext/comparator_unicode_casemap/unicode_casemap.hpp"

#include "ext/extension.hpp"
#include "validate/registry.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace sift::ext {
namespace {

const icu::Normalizer2* nfkd() {
    static const icu::Normalizer2* instance = [] {
        UErrorCode status = U_ZERO_ERROR;
        const icu::Normalizer2* n = icu::Normalizer2::getNFKDInstance(status);
        return U_SUCCESS(status) ? n : nullptr;
    }();
    return instance;
}

void append_code_point(std::string& out, UChar32 c) {
    char buf[U8_MAX_LENGTH];
    std::int32_t n = 0;
    UBool error = false;
    U8_APPEND(reinterpret_cast<std::uint8_t*>(buf), n, U8_MAX_LENGTH, c, error);
    if (!error) out.append(buf, std::size_t(n));
}

// Appends the titlecased, decomposed form of one character.
void fold_char(std::string& out, UChar32 c) {
    c = u_totitle(c);
    const icu::Normalizer2* n = nfkd();
    if (!n || c < 0x80) {
        append_code_point(out, c);
        return;
    }
    icu::UnicodeString decomposed;
    if (!n->getDecomposition(c, decomposed)) {
        append_code_point(out, c);
        return;
    }
    // getDecomposition gives the full (recursive) NFKD mapping of c. Its
    // characters are titlecased too, so that a compatibility character
    // decomposing to lower-case letters (U+FB01 "ﬁ" -> "fi") folds like
    // those letters written out, as Dovecot's implementation does.
    for (std::int32_t i = 0; i < decomposed.length();) {
        UChar32 d = decomposed.char32At(i);
        append_code_point(out, u_totitle(d));
        i += U16_LENGTH(d);
    }
}

}  // namespace

std::string unicode_casemap_fold(std::string_view s, std::vector<std::size_t>* origin) {
    std::string out;
    out.reserve(s.size());
    if (origin) origin->clear();
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(s.data());
    const auto length = std::int32_t(s.size());
    for (std::int32_t i = 0; i < length;) {
        std::int32_t start = i;
        UChar32 c;
        U8_NEXT(bytes, i, length, c);
        if (c < 0) {
            out.append(s.substr(std::size_t(start), std::size_t(i - start)));
        } else if (c < 0x80) {
            out += char(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);  // titlecase of ASCII is upper case
        } else {
            fold_char(out, c);
        }
        if (origin) origin->resize(out.size(), std::size_t(start));
    }
    if (origin) origin->push_back(s.size());
    return out;
}

std::size_t unicode_casemap_char_length(std::string_view folded, std::size_t i) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(folded.data());
    const auto length = std::int32_t(folded.size());
    auto at = std::int32_t(i);
    UChar32 c;
    U8_NEXT(bytes, at, length, c);
    while (at < length) {
        std::int32_t next = at;
        U8_NEXT(bytes, next, length, c);
        if (c < 0 || u_getCombiningClass(c) == 0) break;
        at = next;
    }
    return std::size_t(at) - i;
}

namespace {
// Equality, substrings and :matches on the RFC 5051 canonical form, '?'
// one character with its combining marks; ordering of the forms as octets.
constexpr vm::comparator_ops ops{
    .name = "i;unicode-casemap", .fold = unicode_casemap_fold, .char_length = unicode_casemap_char_length};
}  // namespace

void register_comparator_unicode_casemap(validate::registry& r) {
    r.add(validate::capability_def{"comparator-i;unicode-casemap"});
    r.add(validate::comparator_def{.name = ops.name,
                                   .id = comparator_unicode_casemap,
                                   .capability = "comparator-i;unicode-casemap",
                                   .substring = true,
                                   .ops = &ops});
}

}  // namespace sift::ext

namespace sift::ext {

extern const descriptor comparator_unicode_casemap_extension{.name = "comparator_unicode_casemap",
                                                             .add = register_comparator_unicode_casemap};

}  // namespace sift::ext
