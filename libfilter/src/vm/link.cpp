#include "vm/program.hpp"

#include <algorithm>
#include <unordered_map>

namespace sift::vm {

namespace {
void link_phrases(program& p);
}

void program::link() {
    is_template.resize(strings.size(), 0);
    std::unordered_map<std::string, std::uint32_t> slots;
    internal_flags_slot.reset();
    for (std::size_t i = 0; i < variables.size(); ++i) {
        slots.emplace(variables[i], std::uint32_t(i));
        if (variables[i] == internal_flags_name) internal_flags_slot = std::uint32_t(i);
    }
    // Only templates have parts; a script without any allocates nothing.
    bool const any_template = std::find(is_template.begin(), is_template.end(), 1) != is_template.end();
    templates.clear();
    if (any_template) templates.resize(strings.size());
    reads_captures = false;
    for (std::size_t i = 0; i < strings.size(); ++i) {
        if (!is_template[i]) continue;
        const auto& s = strings[i];
        auto& parts = templates[i];
        std::size_t at = 0;
        auto literal = [&](std::size_t from, std::size_t to) {
            if (to > from)
                parts.push_back(
                    {template_part::kind::literal, std::uint32_t(from), std::uint32_t(to - from), 0});
        };
        for (const auto& ref : find_references(s)) {
            literal(at, ref.begin);
            at = ref.end;
            if (is_number(ref.name)) {
                // ${0}..${99}, leading zeroes allowed; larger numbers are
                // never set and expand to nothing.
                auto digits = ref.name.substr(std::min(ref.name.find_first_not_of('0'), ref.name.size() - 1));
                std::uint32_t n = digits.size() > 2 ? std::uint32_t(max_match_values)
                                                    : std::uint32_t(std::stoul(std::string(digits)));
                parts.push_back({template_part::kind::match, 0, 0, n});
                reads_captures = true;
                continue;
            }
            auto [it, added] = slots.try_emplace(variable_key(ref.name), std::uint32_t(slots.size()));
            parts.push_back({template_part::kind::variable, 0, 0, it->second});
        }
        literal(at, s.size());
    }
    slot_count = std::uint32_t(slots.size());
    link_phrases(*this);
}

// body :text :contains under i;ascii-casemap (the VM's own comparator and
// match type) with a constant key list: the policy's phrase lists.
namespace {
void link_phrases(program& p) {
    p.phrases.reset();
    phrase_index index;
    std::vector<std::string_view> keys;
    for (const auto& ins : p.code) {
        if (ins.op != opcode::test_body) continue;
        if (ins.arg[0] != std::uint64_t(comparator::ascii_casemap) ||
            (ins.arg[1] & 0xFF) != std::uint64_t(match_type::contains) || ins.arg[4] >= p.lists.size())
            continue;
        keys.clear();
        bool constant = true;
        for (auto k : p.lists[ins.arg[4]]) {
            if (k >= p.strings.size() || p.is_template[k]) {
                constant = false;
                break;
            }
            keys.push_back(p.strings[k]);
        }
        if (constant) index.add_list(std::uint32_t(ins.arg[4]), keys);
    }
    if (!index.empty() && index.build()) p.phrases = std::make_shared<const phrase_index>(std::move(index));
}
}  // namespace

void link_tables(program& p, const match_tables& tables) {
    p.tables = &tables;
    for (auto link : tables.links) link(p);
}

bool link_matchers(program& p, const match_tables& tables, std::string& error) {
    for (std::size_t at = 0; at < p.code.size(); ++at) {
        const auto& ins = p.code[at];
        auto operands = info(ins.op).operands;
        for (std::size_t i = 0; i < operands.size(); ++i) {
            auto v = ins.arg[i];
            bool known = true;
            switch (operands[i]) {
                case 'c':
                    known = is_core(static_cast<comparator>(v)) || (v < 256 && tables.comparators[v]);
                    break;
                case 'm':
                    known = valid_packed_match(v, tables);
                    break;
                case 'p':
                    known = is_core(static_cast<address_part>(v)) || (v < 256 && tables.address_parts[v]);
                    break;
                default:
                    break;
            }
            if (!known) {
                error = "instruction " + std::to_string(at) + " (" + std::string(info(ins.op).name) +
                        "): operand " + std::to_string(i + 1) +
                        " names no comparator, match type or address part this Sift has";
                return false;
            }
        }
    }
    link_tables(p, tables);
    return true;
}

}  // namespace sift::vm
