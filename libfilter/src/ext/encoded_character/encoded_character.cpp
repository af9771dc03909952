// RFC 5228 §2.4.2.4: encoded-character. With the capability required,
// "${hex:...}" and "${unicode:...}" in string literals are replaced by the
// octets / characters they encode. A sequence that does not follow the
// grammar is left as written; a code point outside Unicode is an error.
#include "ext/extension.hpp"
#include "ext/utf8.hpp"
#include "validate/registry.hpp"
#include "vm/match.hpp"

#include <cctype>
#include <optional>

namespace sift::ext {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = char(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Parses blank-separated hex numbers of at most `max_digits` digits (0: any
// number, as unicode-hex = 1*HEXDIG; a value too large saturates, to be
// refused as outside Unicode) up to the closing brace. Returns nullopt when
// the body breaks the grammar.
std::optional<std::vector<std::uint32_t>> hex_sequence(std::string_view body, std::size_t max_digits) {
    std::vector<std::uint32_t> values;
    std::size_t i = 0;
    while (true) {
        while (i < body.size() && is_blank(body[i])) ++i;
        if (i == body.size()) break;
        std::size_t start = i;
        std::uint32_t v = 0;
        for (; i < body.size() && hex_value(body[i]) >= 0; ++i) {
            if (max_digits && i - start == max_digits) return std::nullopt;
            v = v > 0x0FFFFFFF ? 0xFFFFFFFF : v * 16 + std::uint32_t(hex_value(body[i]));
        }
        if (i == start || (i < body.size() && !is_blank(body[i]))) return std::nullopt;
        values.push_back(v);
    }
    if (values.empty()) return std::nullopt;  // "${hex:}" encodes nothing: literal text
    return values;
}

// Writes `value` decoded to `out`; returns the first error, if any.
std::string decode(std::string_view value, std::string& out) {
    std::string error;
    std::size_t i = 0;
    while (i < value.size()) {
        auto open = value.find("${", i);
        if (open == std::string::npos) break;
        auto close = value.find('}', open);
        if (close == std::string::npos) break;
        std::string_view inner(value.data() + open + 2, close - open - 2);
        auto colon = inner.find(':');
        std::string_view kind = inner.substr(0, colon == std::string_view::npos ? 0 : colon);
        bool hex = vm::equal(kind, "hex", vm::comparator::ascii_casemap);
        bool uni = vm::equal(kind, "unicode", vm::comparator::ascii_casemap);
        auto seq = (hex || uni) ? hex_sequence(inner.substr(colon + 1), hex ? 2 : 0) : std::nullopt;
        out.append(value, i, open - i);
        if (!seq) {
            out += "${";
            i = open + 2;
            continue;
        }
        for (auto v : *seq) {
            if (hex) {
                out += char(v);
            } else if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
                if (error.empty())
                    error = "invalid unicode character in encoded character: " + std::string(inner);
            } else {
                append_utf8(out, v);
            }
        }
        i = close + 1;
    }
    out.append(value, i, std::string::npos);
    return error;
}

}  // namespace

void register_encoded_character(validate::registry& r) {
    r.add(validate::capability_def{.name = "encoded-character",
                                   .literal =
                                       [](validate::checker& c, parse::ast::string_lit& lit) {
                                           if (lit.value.find("${") == std::string_view::npos) return;
                                           std::string decoded;
                                           if (auto error = decode(lit.value, decoded); !error.empty())
                                               c.error(lit.pos, error);
                                           lit.value = c.keep(decoded);
                                       },
                                   .ihave_allowed = false});
}

}  // namespace sift::ext

namespace sift::ext {

extern const descriptor encoded_character_extension{.name = "encoded_character",
                                                    .add = register_encoded_character};

}  // namespace sift::ext
