#include "compile/emitter.hpp"

#include <cassert>
#include <stdexcept>

namespace sift::compile {

emitter::label emitter::new_label() {
    labels_.push_back(-1);
    return static_cast<label>(labels_.size() - 1);
}

void emitter::place(label l) { labels_.at(l) = static_cast<std::int64_t>(prog_.code.size()); }

void emitter::emit(vm::opcode op, std::initializer_list<std::uint64_t> operands) {
    if (operands.size() != vm::info(op).operands.size())
        throw std::logic_error("emit " + std::string(vm::info(op).name) + ": wrong operand count");
    vm::instruction ins{op, {}};
    std::size_t k = 0;
    for (auto v : operands) ins.arg[k++] = v;
    prog_.code.push_back(ins);
    prog_.lines.push_back(line_);
}

void emitter::emit_jump(vm::opcode op, label target) {
    patches_.emplace_back(prog_.code.size(), target);
    emit(op, {0});
}

std::uint32_t emitter::string(std::string_view s) {
    auto [it, added] = string_ids_.try_emplace(std::string(s), std::uint32_t(prog_.strings.size()));
    if (added) {
        prog_.strings.emplace_back(s);
        prog_.is_template.push_back(templates_ && !vm::find_references(s).empty() ? 1 : 0);
    }
    return it->second;
}

std::uint32_t emitter::variable(std::string_view name) {
    auto key = vm::variable_key(name);
    for (std::size_t i = 0; i < prog_.variables.size(); ++i)
        if (prog_.variables[i] == key) return std::uint32_t(i);
    prog_.variables.push_back(key);
    return std::uint32_t(prog_.variables.size() - 1);
}

std::uint32_t emitter::list(const parse::ast::string_list& l) {
    std::vector<std::uint32_t> ids;
    ids.reserve(l.items.size());
    for (const auto& item : l.items) ids.push_back(string(item.value));
    auto [it, added] = list_ids_.try_emplace(ids, std::uint32_t(prog_.lists.size()));
    if (added) prog_.lists.push_back(std::move(ids));
    return it->second;
}

vm::program emitter::finish(std::string name, std::vector<std::string> capabilities) {
    for (auto [at, target] : patches_) {
        if (labels_.at(target) < 0) throw std::logic_error("jump to a label never placed");
        prog_.code[at].arg[0] = static_cast<std::uint64_t>(labels_[target]);
    }
    prog_.name = std::move(name);
    prog_.capabilities = std::move(capabilities);
    prog_.link();
    return std::move(prog_);
}

}  // namespace sift::compile
