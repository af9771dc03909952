// String operands that are templates: with the variables extension
// (RFC 5229 §3) a string may reference "${name}", "${0}".."${9}" (match
// variables) or "${namespace.name}", expanded at run time. The bytecode
// keeps a template as its source text, flagged; linking parses it once
// into parts with variable names resolved to slots.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sift::vm {

struct template_part {
    enum class kind : std::uint8_t { literal, variable, match } what;
    std::uint32_t offset = 0;  // literal: bytes of the source string
    std::uint32_t length = 0;
    std::uint32_t index = 0;  // variable slot or match variable number
};

// Whether two short texts (names, pool entries) are equal, compared inline
// rather than through a memcmp call: compiling compares many, most of them
// differing in size already.
inline bool same_text(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// A reference found in a string: "${...}" at [begin, end) naming `name`.
struct reference {
    std::size_t begin = 0, end = 0;
    std::string_view name;  // as written, without ${ }
};

// Every well-formed reference in `s`, in order. A reference is "${" then
// an identifier, a dotted identifier (namespace) or digits, then "}";
// anything else stays literal text (RFC 5229 §3).
std::vector<reference> find_references(std::string_view s);

bool is_number(std::string_view name);

// Match variables ${0}..${99} exist; higher numbers always read as "".
inline constexpr std::size_t max_match_values = 100;
// Lower-cased, the form variable names are compared in.
std::string variable_key(std::string_view name);

}  // namespace sift::vm
