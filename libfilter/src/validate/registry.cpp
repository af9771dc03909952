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

void registry::add(capability_def def) { capabilities_.push_back(def); }
void registry::add(command_def def) { commands_.push_back(std::move(def)); }

void registry::allow_tag(std::string_view command, std::string_view tag) {
    for (auto& c : commands_)
        if (c.name == command) c.tags.push_back(tag);
}
void registry::add(tag_def def) { tags_.push_back(def); }
void registry::add(comparator_def def) { comparators_.push_back(def); }

const capability_def* registry::capability(std::string_view name) const {
    auto it = std::find_if(capabilities_.begin(), capabilities_.end(),
                           [&](const auto& c) { return c.name == name; });
    return it == capabilities_.end() ? nullptr : &*it;
}

const command_def* registry::command(std::string_view name, bool is_test) const {
    auto it = std::find_if(commands_.begin(), commands_.end(),
                           [&](const auto& c) { return c.name == name && c.is_test == is_test; });
    return it == commands_.end() ? nullptr : &*it;
}

const tag_def* registry::tag(std::string_view name) const {
    auto it = std::find_if(tags_.begin(), tags_.end(), [&](const auto& t) { return t.name == name; });
    return it == tags_.end() ? nullptr : &*it;
}

const tag_def* registry::tag(std::string_view name, const command_def& command) const {
    const tag_def* found = nullptr;
    for (const auto& t : tags_) {
        if (t.name != name) continue;
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
