// Opcodes, generated from opcodes.def.
#pragma once

#include <sift/script.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace sift::vm {

enum class opcode : std::uint8_t {
#define SIFT_OP(name, operands, needs, synopsis) name,
#include "vm/opcodes.def"
#undef SIFT_OP
    count_
};

inline constexpr std::size_t opcode_count = static_cast<std::size_t>(opcode::count_);
inline constexpr std::size_t max_operands = 5;

// What the message model must have ready for an instruction; ordered so the
// largest need of a program is what a frontend must wait for.
enum class need : std::uint8_t { none, envelope, headers, body };

struct opcode_info {
    std::string_view name;
    std::string_view operands;  // one letter per operand, see opcodes.def
    need needs;
    std::string_view synopsis;
};

inline constexpr std::array<opcode_info, opcode_count> opcode_table{{
#define SIFT_OP(name, operands, needs, synopsis) {#name, operands, need::needs, synopsis},
#include "vm/opcodes.def"
#undef SIFT_OP
}};

constexpr const opcode_info& info(opcode op) {
    return opcode_table[static_cast<std::size_t>(op)];
}

static_assert(
    [] {
        for (const auto& row : opcode_table)
            if (row.operands.size() > max_operands) return false;
        return true;
    }(),
    "an opcode has more operands than an instruction holds");

}  // namespace sift::vm
