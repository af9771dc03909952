#include "compile/emitter.hpp"

#include "vm/strings.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace sift::compile {

// Room for a typical script up front: growing each vector one doubling at
// a time was a measurable share of compile time.
emitter::emitter() {
    prog_.code.reserve(64);
    prog_.lines.reserve(64);
    prog_.strings.reserve(32);
    prog_.is_template.reserve(32);
    prog_.lists.reserve(16, 32);
}

emitter::label emitter::new_label() {
    labels_.push_back(-1);
    return static_cast<label>(labels_.size() - 1);
}

void emitter::place(label l) {
    labels_.at(l) = static_cast<std::int64_t>(prog_.code.size());
}

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

void emitter::emit_jump(vm::opcode op, label target, std::uint64_t operand) {
    patches_.emplace_back(prog_.code.size(), target);
    emit(op, {0, operand});
}

namespace {

constexpr std::size_t linear_limit = 32;

// Finds `key` in `pool` by scanning while the pool is small, through
// `index` (filled on first use) once it is not. `view` gives an element's
// key; elements must not move while indexed (see finish()).
template <class Pool, class View>
std::optional<std::uint32_t> lookup(const Pool& pool,
                                    std::unordered_map<std::string_view, std::uint32_t>& index,
                                    std::string_view key, View view) {
    if (pool.size() <= linear_limit) {
        for (std::size_t i = 0; i < pool.size(); ++i)
            if (vm::same_text(view(pool[i]), key)) return std::uint32_t(i);
        return std::nullopt;
    }
    if (index.empty())
        for (std::size_t i = 0; i < pool.size(); ++i) index.emplace(view(pool[i]), std::uint32_t(i));
    auto it = index.find(key);
    return it == index.end() ? std::nullopt : std::optional(it->second);
}

// A list's ids as the bytes its index is keyed by.
std::string_view bytes_of(std::span<const std::uint32_t> ids) {
    return {reinterpret_cast<const char*>(ids.data()), ids.size() * sizeof(std::uint32_t)};
}

}  // namespace

void emitter::declare_global(std::string_view name) {
    auto key = vm::variable_key(name);
    if (std::find(globals_.begin(), globals_.end(), key) == globals_.end())
        globals_.push_back(std::move(key));
}

std::string emitter::scoped_variable(std::string_view name) const {
    auto key = vm::variable_key(name);
    // Dotted names are namespaced ("global.x"); "#flags" is imap4flags'
    // internal variable, one per run.
    if (key.find('.') != std::string::npos || key.starts_with('#') || vm::is_number(key)) return key;
    if (std::find(globals_.begin(), globals_.end(), key) != globals_.end()) return "global." + key;
    return scope_prefix_ + key;
}

std::optional<emitter::label> emitter::unit(std::string_view key) const {
    for (const auto& [k, l] : units_)
        if (k == key) return l;
    return std::nullopt;
}

namespace {

// `s` with each variable reference renamed to its scoped name.
std::string scope_references(const emitter& e, std::string_view s) {
    std::string out;
    std::size_t at = 0;
    for (const auto& ref : vm::find_references(s)) {
        out.append(s.substr(at, ref.begin - at));
        out += "${" + (vm::is_number(ref.name) ? std::string(ref.name) : e.scoped_variable(ref.name)) + "}";
        at = ref.end;
    }
    out.append(s.substr(at));
    return out;
}

}  // namespace

std::uint32_t emitter::string(std::string_view s) {
    if (templates_ && (!scope_prefix_.empty() || !globals_.empty()) && !vm::find_references(s).empty()) {
        auto scoped = scope_references(*this, s);
        if (scoped != s) return intern(scoped);
    }
    return intern(s);
}

std::uint32_t emitter::intern(std::string_view s) {
    auto found =
        lookup(prog_.strings, string_index_, s, [](const std::string& x) { return std::string_view(x); });
    // One text may be a template in one included script and a literal in
    // another that does not require variables (RFC 6609): then two entries.
    if (found && !units_.empty() &&
        bool(prog_.is_template[*found]) != (templates_ && !vm::find_references(s).empty()))
        found.reset();
    if (found) return *found;
    auto id = std::uint32_t(prog_.strings.size());
    // Growing the pool moves short strings (SSO): drop the index, rebuilt lazily.
    if (prog_.strings.size() == prog_.strings.capacity()) string_index_.clear();
    prog_.strings.emplace_back(s);
    prog_.is_template.push_back(templates_ && !vm::find_references(s).empty() ? 1 : 0);
    if (!string_index_.empty()) string_index_.emplace(prog_.strings.back(), id);
    return id;
}

std::uint32_t emitter::list(const parse::ast::string_list& l) {
    // Built on the stack: most lists repeat one already in the pool.
    boost::container::small_vector<std::uint32_t, 8> ids;
    for (const auto& item : l.items) ids.push_back(string(item.value));
    std::string_view const key{reinterpret_cast<const char*>(ids.data()), ids.size() * sizeof(std::uint32_t)};
    auto found = lookup(prog_.lists, list_index_, key, bytes_of);
    if (found) return *found;
    // The index holds views into the pool: growing the pool moves them.
    if (prog_.lists.would_move(ids.size())) list_index_.clear();
    auto id = prog_.lists.add(ids.begin(), ids.end());
    if (!list_index_.empty()) list_index_.emplace(bytes_of(prog_.lists[id]), id);
    return id;
}

std::uint32_t emitter::variable(std::string_view name) {
    auto key = scoped_variable(name);
    for (std::size_t i = 0; i < prog_.variables.size(); ++i)
        if (prog_.variables[i] == key) return std::uint32_t(i);
    prog_.variables.push_back(key);
    return std::uint32_t(prog_.variables.size() - 1);
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
