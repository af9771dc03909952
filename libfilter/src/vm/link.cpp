#include "vm/program.hpp"

#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>

namespace sift::vm {

namespace {
void link_phrases(program& p);
}

void program::link() {
    is_template.resize(strings.size(), 0);
    name_keys.resize(strings.size());
    for (std::size_t i = 0; i < strings.size(); ++i) name_keys[i] = mail::name_key(strings[i]);
    glob_shapes.resize(strings.size());
    for (std::size_t i = 0; i < strings.size(); ++i)
        glob_shapes[i] = is_template[i] ? glob_shape::other : shape_of(strings[i]);
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
// Adds the phrase lists of `p` to `index`, each keyed by its list index + base.
void add_phrase_lists(const program& p, phrase_index& index, std::uint32_t base) {
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
        if (constant) index.add_list(base + std::uint32_t(ins.arg[4]), keys);
    }
}

void link_phrases(program& p) {
    p.phrases.reset();
    phrase_index index;
    add_phrase_lists(p, index, 0);
    if (!index.empty() && index.build()) p.phrases = std::make_shared<const phrase_index>(std::move(index));
}
}  // namespace

std::shared_ptr<const paired_phrases> paired_phrases_for(const program& first, const program& last) {
    if (!first.phrases || !last.phrases || first.phrases == last.phrases) return nullptr;
    // Kept by the programs' own indexes, which the entries hold: a program
    // linked or made anew has a new one, so an entry never stands for
    // another program at the same address.
    struct entry {
        std::shared_ptr<const phrase_index> first, last;
        std::shared_ptr<const paired_phrases> paired;
    };
    constexpr std::size_t kept = 8;
    static std::mutex lock;
    static std::deque<entry> made;
    std::lock_guard<std::mutex> hold(lock);
    for (const auto& e : made)
        if (e.first == first.phrases && e.last == last.phrases) return e.paired;
    auto paired = std::make_shared<paired_phrases>();
    paired->last_base = std::uint32_t(first.lists.size());
    add_phrase_lists(first, paired->index, 0);
    add_phrase_lists(last, paired->index, paired->last_base);
    std::shared_ptr<const paired_phrases> out;
    if (paired->index.build()) out = std::move(paired);
    made.push_back({first.phrases, last.phrases, out});
    if (made.size() > kept) made.pop_front();
    return out;
}

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
