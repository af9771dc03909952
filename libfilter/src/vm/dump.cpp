// The explain listing printed by `sift dump`, in the manner of SQLite's
// EXPLAIN: address, source line, opcode, operands, and the synopsis from the
// opcode table with the operands filled in.
#include "vm/match.hpp"
#include "vm/program.hpp"

#include <cstdio>
#include <span>

namespace sift::vm {
namespace {

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        if (c == '\r') {
            out += "\\r";
            continue;
        }
        out += c;
    }
    return out + '"';
}

// A flags operand by the names its opcode's row gives its fields:
// "header|last", "importance=2|from"; "none" when no field is set. Bits no
// field covers (only in a program that was never verified) show in hex.
std::string flag_text(std::string_view spec, std::uint64_t v) {
    std::string out;
    std::uint64_t covered = 0;
    auto add = [&](std::string_view part) {
        if (part.empty()) return;
        if (!out.empty()) out += '|';
        out += part;
    };
    for_each_flag_field(spec, [&](const flag_field& field) {
        covered |= field.mask();
        auto value = (v & field.mask()) >> field.shift;
        if (field.kind == flag_field::number)
            add(std::string(field.name()) + "=" + std::to_string(value));
        else if (field.kind == flag_field::bit)
            add(value ? field.text : "");
        else if (value < field.values)
            add(field.value_name(value));
        else
            add(std::string(field.text) + "#" + std::to_string(value));
    });
    if (v & ~covered) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v & ~covered));
        add(buf);
    }
    return out.empty() ? "none" : out;
}

std::string operand_text(char kind, std::uint64_t v, const opcode_info& row, const program& p) {
    switch (kind) {
        case 'j': {
            char buf[16];
            std::snprintf(buf, sizeof buf, "@%04u", unsigned(v));
            return buf;
        }
        case 's':
            return quoted(p.strings[v]);
        case 'l': {
            std::string out = "[";
            for (auto i : p.lists[v]) out += (out.size() > 1 ? ", " : "") + quoted(p.strings[i]);
            return out + "]";
        }
        case 'n':
            return std::to_string(v);
        case 'b':
            return v ? "true" : "false";
        case 'c':
            return quoted(comparator_name(v, p.tables));
        case 'm': {
            auto rel = relation_names[(v >> 8) & 0xFF];
            return ":" + match_type_name(v & 0xFF, p.tables) + (rel.empty() ? "" : " " + quoted(rel));
        }
        case 'p':
            return ":" + address_part_name(v, p.tables);
        case 'v':
            return "${" + p.variables[v] + "}";
        case 'f':
            return flag_text(row.flags, v);
    }
    return "?";
}

}  // namespace

std::string disassemble(const program& p) {
    std::string out = "; " + p.name + "\n; capabilities:";
    for (const auto& c : p.capabilities) out += " " + c;
    out += "\n; addr  line  opcode           synopsis\n";
    for (std::size_t i = 0; i < p.code.size(); ++i) {
        const auto& ins = p.code[i];
        const auto& row = info(ins.op);
        std::vector<std::string> args;
        for (std::size_t k = 0; k < row.operands.size(); ++k)
            args.push_back(operand_text(row.operands[k], ins.arg[k], row, p));
        std::string synopsis;
        for (std::size_t c = 0; c < row.synopsis.size(); ++c) {
            char d = c + 1 < row.synopsis.size() ? row.synopsis[c + 1] : '\0';
            if (row.synopsis[c] == '$' && d >= '1' && d <= '9' && std::size_t(d - '1') < args.size()) {
                synopsis += args[d - '1'];
                ++c;
            } else {
                synopsis += row.synopsis[c];
            }
        }
        char head[64];
        std::snprintf(head, sizeof head, "  %04zu  %4u  %-16s ", i, unsigned(p.lines[i]),
                      std::string(row.name).c_str());
        out += head + synopsis + "\n";
    }
    return out;
}

std::string opcode_reference(const match_tables& tables) {
    // Markdown: a `|` inside a cell would end it.
    auto cell = [](std::string_view text) {
        std::string out;
        for (char c : text) {
            if (c == '|') out += '\\';
            out += c;
        }
        return out;
    };
    std::string out =
        "| number | opcode | operands | needs | flags | synopsis |\n"
        "| ---: | --- | --- | --- | --- | --- |\n";
    std::size_t highest = 0;
    for (std::size_t n = 0; n < opcode_space; ++n) {
        if (!known_opcode(n)) continue;
        const auto& row = opcode_table[n];
        highest = n;
        constexpr std::string_view need_names[] = {"none", "envelope", "headers", "body"};
        out += "| " + std::to_string(n) + " | `" + std::string(row.name) + "` | " +
               (row.operands.empty() ? "" : "`" + std::string(row.operands) + "`") + " | " +
               std::string(need_names[std::size_t(row.needs)]) + " | " +
               (row.flags.empty() ? "" : "`" + cell(row.flags) + "`") + " | " + cell(row.synopsis) + " |\n";
    }
    out += "\nThe next free number is " + std::to_string(highest + 1) + ".\n\n";
    // The ids inside operands are the format too.
    // RFC 5228's own, then those the extensions registered.
    auto ids = [&](std::string_view kind, std::size_t own, const auto& table, auto name_of) {
        out += "- " + std::string(kind) + ":";
        for (std::size_t i = 0, listed = 0; i < table.size(); ++i)
            if (i < own || table[i])
                out += (listed++ ? ", " : " ") + std::to_string(i) + " `" + name_of(i) + "`";
        out += "\n";
    };
    ids("`c` comparator ids", 2, tables.comparators,
        [&](std::size_t i) { return comparator_name(i, &tables); });
    ids("`m` match type ids (bits 0-7)", 3, tables.match_types,
        [&](std::size_t i) { return match_type_name(i, &tables); });
    out += "- `m` relational operators (bits 8-15):";
    for (std::size_t i = 0; i < std::size(relation_names); ++i)
        out += (i ? ", " : " ") + std::to_string(i) + " `" +
               (relation_names[i].empty() ? "none" : std::string(relation_names[i])) + "`";
    out += "\n";
    ids("`p` address part ids", 3, tables.address_parts,
        [&](std::size_t i) { return address_part_name(i, &tables); });
    return out;
}

}  // namespace sift::vm
