// Opcodes, generated from opcodes.def.
#pragma once

#include <sift/script.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace sift::vm {

// An opcode's value is its number in bytecode files (the table's second
// column), so the in-memory instruction and the file byte agree.
enum class opcode : std::uint8_t {
#define SIFT_OP(name, number, operands, needs, flags, synopsis) name = (number),
#include "vm/opcodes.def"
#undef SIFT_OP
};

// The opcode is one byte of the file: 256 possible numbers, of which the
// table assigns some; the others are refused by the loader.
inline constexpr std::size_t opcode_space = 256;
inline constexpr std::size_t max_operands = 5;

// What the message model must have ready for an instruction; ordered so the
// largest need of a program is what a frontend must wait for.
enum class need : std::uint8_t { none, envelope, headers, body };

struct opcode_info {
    std::string_view name;      // empty: no opcode has this number
    std::size_t number = 0;     // as written in the table (checked below)
    std::string_view operands;  // one letter per operand, see opcodes.def
    need needs = need::none;
    std::string_view flags;  // the names of the `f` operand's fields
    std::string_view synopsis;
};

// The rows in table order.
inline constexpr opcode_info opcode_rows[] = {
#define SIFT_OP(name, number, operands, needs, flags, synopsis) \
    {#name, number, operands, need::needs, flags, synopsis},
#include "vm/opcodes.def"
#undef SIFT_OP
};

// The rows by number; unassigned numbers have an empty row.
inline constexpr std::array<opcode_info, opcode_space> opcode_table = [] {
    std::array<opcode_info, opcode_space> table{};
    for (const auto& row : opcode_rows)
        if (row.number < opcode_space) table[row.number] = row;
    return table;
}();

constexpr const opcode_info& info(opcode op) {
    return opcode_table[static_cast<std::size_t>(op)];
}

// Whether `byte` is the number of an opcode.
constexpr bool known_opcode(std::size_t byte) {
    return byte < opcode_space && !opcode_table[byte].name.empty();
}

// The fields of a flags column (see opcodes.def), from bit 0 up.
struct flag_field {
    enum kind_t : std::uint8_t { bit, number, choice };
    std::string_view text;  // "name", "name:N" or "a/b/c"
    unsigned shift = 0;
    unsigned width = 0;
    kind_t kind = bit;
    std::size_t values = 0;  // how many values the field may hold

    constexpr std::string_view name() const { return text.substr(0, text.find(':')); }
    constexpr std::uint64_t mask() const { return ((std::uint64_t(1) << width) - 1) << shift; }
    // The k-th value name of an a/b/c field.
    constexpr std::string_view value_name(std::size_t k) const {
        std::string_view rest = text;
        for (; k > 0; --k) rest.remove_prefix(rest.find('/') + 1);
        return rest.substr(0, rest.find('/'));
    }
};

// Calls `f(field)` for each field of `spec`; false when the spec is
// malformed (an empty field, a bad width).
template <class F>
constexpr bool for_each_flag_field(std::string_view spec, F&& f) {
    unsigned shift = 0;
    while (!spec.empty()) {
        auto end = spec.find(' ');
        flag_field field{spec.substr(0, end), shift};
        spec.remove_prefix(end == std::string_view::npos ? spec.size() : end + 1);
        if (field.text.empty()) return false;
        if (auto colon = field.text.find(':'); colon != std::string_view::npos) {
            field.kind = flag_field::number;
            for (char d : field.text.substr(colon + 1)) {
                if (d < '0' || d > '9') return false;
                field.width = field.width * 10 + unsigned(d - '0');
            }
            if (colon == 0 || field.width == 0 || field.width > 16) return false;
            field.values = std::size_t(1) << field.width;
        } else {
            field.values = 1;
            for (char c : field.text) field.values += c == '/';
            if (field.values > 1) field.kind = flag_field::choice;
            if (field.kind == flag_field::bit) field.values = 2;  // off or on
            while ((std::size_t(1) << field.width) < field.values) ++field.width;
        }
        f(field);
        shift += field.width;
    }
    return true;
}

// The value of a flag for opcode `op`, by name: a one-bit field's bit, an
// a/b/c value shifted into place, or a number field's mask. The extensions
// take their constants from here, so the table is the one place that says
// what a bit means; an unknown name does not compile.
constexpr std::uint64_t flag(opcode op, std::string_view name) {
    std::uint64_t found = 0;
    bool seen = false;
    for_each_flag_field(info(op).flags, [&](const flag_field& field) {
        if (field.kind != flag_field::choice) {
            if (field.name() == name) found = field.mask(), seen = true;
            return;
        }
        for (std::size_t k = 0; k < field.values; ++k)
            if (field.value_name(k) == name) found = std::uint64_t(k) << field.shift, seen = true;
    });
    if (!seen) throw "no such flag in this opcode's row of opcodes.def";
    return found;
}

// Whether `value` sets only bits and values the flags column names.
constexpr bool flags_valid(std::string_view spec, std::uint64_t value) {
    std::uint64_t covered = 0;
    bool ok = true;
    for_each_flag_field(spec, [&](const flag_field& field) {
        covered |= field.mask();
        if (((value & field.mask()) >> field.shift) >= field.values) ok = false;
    });
    return ok && (value & ~covered) == 0;
}

// Compile-time checks of the table: what a renumbering or a bad row would
// otherwise break silently in every stored file.
static_assert(
    [] {
        for (const auto& row : opcode_rows)
            if (row.number >= opcode_space) return false;
        return true;
    }(),
    "an opcode number does not fit in the opcode byte (0-255)");
static_assert(
    [] {
        std::array<bool, opcode_space> taken{};
        for (const auto& row : opcode_rows) {
            if (row.number >= opcode_space) continue;  // the assertion above
            if (taken[row.number]) return false;
            taken[row.number] = true;
        }
        return true;
    }(),
    "two rows of opcodes.def have the same number");
static_assert(
    [] {
        for (const auto& row : opcode_rows)
            if (row.operands.size() > max_operands) return false;
        return true;
    }(),
    "an opcode has more operands than an instruction holds");
static_assert(
    [] {
        for (const auto& row : opcode_rows) {
            std::size_t f = 0;
            for (char c : row.operands) f += c == 'f';
            if (f > 1 || (f == 1) == row.flags.empty()) return false;
            unsigned width = 0;
            bool ok = for_each_flag_field(
                row.flags, [&](const flag_field& field) { width = field.shift + field.width; });
            if (!ok || width > 16) return false;
        }
        return true;
    }(),
    "an opcode with an f operand needs its flags named (and only such an opcode), in at most 16 bits");

}  // namespace sift::vm
