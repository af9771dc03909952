#include "validate/registry.hpp"

#include "ext/register.hpp"

#include <algorithm>
#include <variant>

namespace sift::validate {

std::string_view describe(arg_kind k) {
    switch (k) {
        case arg_kind::string: return "string";
        case arg_kind::string_list: return "string list";
        case arg_kind::number: return "number";
    }
    return "argument";
}

void registry::add(capability_def def) {
    capability_index_.emplace(def.name, capabilities_.size());
    capabilities_.push_back(def);
}
void registry::add(command_def def) {
    command_index_.emplace(def.name, commands_.size());
    commands_.push_back(std::move(def));
}

void registry::allow_tag(std::string_view command, std::string_view tag) {
    auto [first, last] = command_index_.equal_range(command);
    for (auto it = first; it != last; ++it) commands_[it->second].tags.push_back(tag);
}
void registry::add(tag_def def) {
    tag_index_.emplace(def.name, tags_.size());
    tags_.push_back(def);
}
void registry::add(comparator_def def) { comparators_.push_back(def); }

// The first of several registrations of a name wins, as in a linear scan.
template <class T, class Index>
const T* first_of(const std::vector<T>& items, const Index& index, std::string_view name, auto&& accept) {
    const T* found = nullptr;
    auto [first, last] = index.equal_range(name);
    for (auto it = first; it != last; ++it)
        if (accept(items[it->second]) && (!found || &items[it->second] < found)) found = &items[it->second];
    return found;
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
    boost::container::small_vector<const tag_def*, 4> named;
    auto [first, last] = tag_index_.equal_range(name);
    for (auto it = first; it != last; ++it) named.push_back(&tags_[it->second]);
    std::sort(named.begin(), named.end());  // registration order
    for (const tag_def* tp : named) {
        const auto& t = *tp;
        bool accepted = std::any_of(command.tags.begin(), command.tags.end(), [&](std::string_view n) {
            return n == t.name || (!t.group.empty() && n == t.group);
        });
        if (accepted && t.capability == command.capability) return &t;
        if (accepted && !found) found = &t;
    }
    return found ? found : tag(name);
}

const comparator_def* registry::comparator(std::string_view name) const {
    // Comparator names are matched case-insensitively (RFC 4790 §3.1).
    auto it = std::find_if(comparators_.begin(), comparators_.end(), [&](const auto& c) {
        return vm::equal(c.name, name, vm::comparator::ascii_casemap);
    });
    return it == comparators_.end() ? nullptr : &*it;
}

const registry& registry::standard() {
    static const registry r = [] {
        registry built;
        ext::register_all(built);
        return built;
    }();
    return r;
}

bool binding::has_tag(std::string_view name) const {
    return std::any_of(tags.begin(), tags.end(), [&](const auto& t) { return t.first->name == name; });
}

const parse::ast::argument* binding::tag_value(std::string_view name) const {
    for (const auto& [tag, value] : tags)
        if (tag->name == name) return value;
    return nullptr;
}

const std::string& binding::string_arg(std::size_t i) const {
    return std::get<parse::ast::string_list>(*positional.at(i)).items.at(0).value;
}

const parse::ast::string_list& binding::list_arg(std::size_t i) const {
    return std::get<parse::ast::string_list>(*positional.at(i));
}

std::uint64_t binding::number_arg(std::size_t i) const {
    return std::get<parse::ast::number>(*positional.at(i)).value;
}

}  // namespace sift::validate
