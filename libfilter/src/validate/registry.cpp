#include "validate/registry.hpp"

#include "vm/strings.hpp"

#include <algorithm>
#include <stdexcept>
#include <variant>

namespace sift::validate {

std::string_view describe(arg_kind k) {
    switch (k) {
        case arg_kind::string:
            return "string";
        case arg_kind::string_list:
            return "string list";
        case arg_kind::number:
            return "number";
    }
    return "argument";
}

namespace {

// Names are short words that differ in length or at their ends, so those
// three bytes, mixed by one multiplication, spread them well enough for a
// table at most a quarter full (collisions only cost a probe).
std::size_t name_hash(std::string_view s) {
    if (s.empty()) return 0;
    auto const at = [&](std::size_t i) { return std::size_t(static_cast<unsigned char>(s[i])); };
    std::size_t const mix = s.size() << 24 | at(0) << 16 | at(s.size() / 2) << 8 | at(s.size() - 1);
    return (mix * 0x9E3779B97F4A7C15ull) >> 32;
}

}  // namespace

registry::name_index::slot& registry::name_index::find_slot(std::string_view name, std::size_t hash) {
    std::size_t const mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask)
        if (slots_[i].head == none || (slots_[i].hash == hash && slots_[i].name == name)) return slots_[i];
}

void registry::name_index::add(std::string_view name, std::uint32_t entry) {
    if (4 * (names_ + 1) > slots_.size()) {
        std::vector<slot> old = std::move(slots_);
        slots_.assign(std::max<std::size_t>(64, 2 * old.size()), slot{});
        for (const slot& s : old)
            if (s.head != none) find_slot(s.name, s.hash) = s;
    }
    if (next_.size() <= entry) next_.resize(entry + 1, none);
    std::size_t const hash = name_hash(name);
    slot& s = find_slot(name, hash);
    if (s.head == none) {
        s = slot{name, hash, entry, entry};
        ++names_;
    } else {
        next_[s.tail] = entry;
        s.tail = entry;
    }
}

std::uint32_t registry::name_index::first(std::string_view name) const {
    if (slots_.empty()) return none;
    std::size_t const hash = name_hash(name);
    std::size_t const mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const slot& s = slots_[i];
        if (s.head == none) return none;
        if (s.hash == hash && vm::same_text(s.name, name)) return s.head;
    }
}

namespace {

template <class Def>
void resolve_capability(Def& def, const registry& reg) {
    if (def.capability.empty()) {
        def.capability_index = core_capability;
        return;
    }
    const capability_def* cap = reg.capability(def.capability);
    def.capability_index = cap ? capability_id(cap - reg.capabilities().data()) : unknown_capability;
}

}  // namespace

void registry::add(capability_def def) {
    if (capabilities_.size() == max_capabilities) throw std::length_error("registry: too many capabilities");
    if (def.templates && tables_.templates && tables_.templates != def.templates)
        throw std::logic_error("registry: two capabilities give templates their values");
    capability_index_.add(def.name, std::uint32_t(capabilities_.size()));
    capabilities_.push_back(def);
    if (def.templates) tables_.templates = def.templates;
    // Definitions added before their capability learn where it is now.
    auto const id = capability_id(capabilities_.size() - 1);
    auto resolve = [&](auto& defs) {
        for (auto& d : defs)
            if (d.capability_index == unknown_capability && d.capability == def.name) d.capability_index = id;
    };
    resolve(commands_);
    resolve(tags_);
    resolve(comparators_);
}
void registry::add(command_def def) {
    resolve_capability(def, *this);
    command_index_.add(def.name, std::uint32_t(commands_.size()));
    commands_.push_back(std::move(def));
}

void registry::allow_tag(std::string_view command, std::string_view tag, std::string_view capability) {
    allowed_tags_.push_back({command, tag, capability});
}
void registry::add(tag_def def) {
    resolve_capability(def, *this);
    if (def.match_type) tables_.match_types[def.value] = def.match_type;
    if (def.match_type && def.match_type->link &&
        std::find(tables_.links.begin(), tables_.links.end(), def.match_type->link) == tables_.links.end())
        tables_.links.push_back(def.match_type->link);
    if (def.address_part) tables_.address_parts[def.value] = def.address_part;
    tag_index_.add(def.name, std::uint32_t(tags_.size()));
    tags_.push_back(def);
}
void registry::add(comparator_def def) {
    resolve_capability(def, *this);
    if (def.ops) tables_.comparators[std::size_t(def.id)] = def.ops;
    comparators_.push_back(def);
}

// The first registration of a name that `accept`s wins.
template <class T, class Index>
const T* first_of(const std::vector<T>& items, const Index& index, std::string_view name, auto&& accept) {
    for (auto i = index.first(name); i != Index::none; i = index.next(i))
        if (accept(items[i])) return &items[i];
    return nullptr;
}

const capability_def* registry::capability(std::string_view name) const {
    return first_of(capabilities_, capability_index_, name, [](const auto&) { return true; });
}

const command_def* registry::command(std::string_view name, bool is_test) const {
    return first_of(commands_, command_index_, name, [&](const auto& c) { return c.is_test == is_test; });
}

const tag_def* registry::tag(std::string_view name) const {
    return first_of(tags_, tag_index_, name, [](const auto&) { return true; });
}

const tag_def* registry::tag(std::string_view name, const command_def& command) const {
    const tag_def* found = nullptr;
    for (auto i = tag_index_.first(name); i != name_index::none; i = tag_index_.next(i)) {
        const tag_def& t = tags_[i];
        bool accepted = std::any_of(command.tags.begin(), command.tags.end(),
                                    [&](std::string_view n) {
                                        return vm::same_text(n, t.name) ||
                                               (!t.group.empty() && vm::same_text(n, t.group));
                                    }) ||
                        std::any_of(allowed_tags_.begin(), allowed_tags_.end(), [&](const allowance& a) {
                            return a.command == command.name &&
                                   (vm::same_text(a.tag, t.name) || vm::same_text(a.tag, t.group)) &&
                                   a.capability == t.capability;
                        });
        if (accepted && t.capability == command.capability) return &t;
        if (accepted && !found) found = &t;
    }
    return found;
}

const comparator_def* registry::comparator(std::string_view name) const {
    // Comparator names are matched case-insensitively (RFC 4790 §3.1).
    auto it = std::find_if(comparators_.begin(), comparators_.end(), [&](const auto& c) {
        return vm::equal(c.name, name, vm::comparator::ascii_casemap);
    });
    return it == comparators_.end() ? nullptr : &*it;
}

bool binding::has_tag(std::string_view name) const {
    return std::any_of(tags.begin(), tags.end(), [&](const auto& t) { return t.first->name == name; });
}

const parse::ast::argument* binding::tag_value(std::string_view name) const {
    for (const auto& [tag, value] : tags)
        if (tag->name == name) return value;
    return nullptr;
}

std::string_view binding::string_arg(std::size_t i) const {
    return std::get<parse::ast::string_list>(*positional.at(i)).items.at(0).value;
}

const parse::ast::string_list& binding::list_arg(std::size_t i) const {
    return std::get<parse::ast::string_list>(*positional.at(i));
}

std::uint64_t binding::number_arg(std::size_t i) const {
    return std::get<parse::ast::number>(*positional.at(i)).value;
}

}  // namespace sift::validate
