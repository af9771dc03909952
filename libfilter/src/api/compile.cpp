// The pipeline source -> parse -> validate -> compile, and bytecode
// loading, against a given registry.
#include "api/compile.hpp"

#include "compile/compiler.hpp"
#include "ext/extension.hpp"
#include "parse/parser.hpp"
#include "validate/validator.hpp"

#include <algorithm>
#include <optional>

namespace sift::api {
namespace {

// compile_limits::max_variables: the distinct variables a script (with the
// scripts it includes) sets, imap4flags' internal one not counted.
std::optional<diagnostic> check_variable_count(const vm::program& p, const std::string& name,
                                               const compile_limits& limits) {
    auto count = std::count_if(p.variables.begin(), p.variables.end(),
                               [](const std::string& v) { return v != vm::program::internal_flags_name; });
    if (std::size_t(count) <= limits.max_variables) return std::nullopt;
    return diagnostic{.file = name,
                      .message = "script sets " + std::to_string(count) +
                                 " distinct variables, more than the limit of " +
                                 std::to_string(limits.max_variables)};
}

// A program the registry's compiler made, linked to its comparators,
// match types and address parts.
std::shared_ptr<const vm::program> linked_to(vm::program&& compiled, const validate::registry& reg) {
    auto p = std::make_shared<vm::program>(std::move(compiled));
    vm::link_tables(*p, reg.tables());
    return p;
}

// The extensions that build the program themselves (descriptor::compile).
const std::vector<const ext::descriptor*>& program_builders() {
    static const auto builders = [] {
        std::vector<const ext::descriptor*> out;
        for (const ext::descriptor* d : ext::extensions())
            if (d->compile) out.push_back(d);
        return out;
    }();
    return builders;
}

// The extension that compiles a script requiring it (descriptor::compile).
const ext::descriptor* program_builder(const validate::validated& v) {
    for (const ext::descriptor* d : program_builders())
        if (std::find(v.capabilities.begin(), v.capabilities.end(), d->compile_capability) !=
            v.capabilities.end())
            return d;
    return nullptr;
}

}  // namespace

compiled compile(std::string_view source, std::string name, const validate::registry& reg,
                 const compile_limits& limits, const script_source* scripts) {
    compiled out;
    if (source.size() > limits.max_script_bytes) {
        out.errors.push_back(diagnostic{.file = name,
                                        .message = "script is larger than the limit of " +
                                                   std::to_string(limits.max_script_bytes) + " bytes"});
        return out;
    }
    auto parsed = parse::parse(source, name, limits);
    if (!parsed.ok()) {
        out.errors = std::move(parsed.errors);
        return out;
    }
    validate::validated v;
    out.errors = validate::validate(parsed.script, source, name, reg, limits, v);
    out.warnings = std::move(v.warnings);
    // An extension may build the program itself (include, RFC 6609: the
    // included scripts go into the same program, and are checked even when
    // this one has errors, to report theirs too).
    if (const ext::descriptor* builder = program_builder(v)) {
        bool valid = out.errors.empty();
        auto linked = builder->compile(parsed.script, v, source, name, reg, limits, scripts, valid);
        out.errors.insert(out.errors.end(), linked.errors.begin(), linked.errors.end());
        if (out.errors.empty())
            if (auto error = check_variable_count(linked.program, name, limits))
                out.errors.push_back(std::move(*error));
        if (out.errors.empty()) out.program = linked_to(std::move(linked.program), reg);
        return out;
    }
    if (!out.errors.empty()) return out;
    auto program = compile::compile(parsed.script, std::move(v), std::move(name));
    if (auto error = check_variable_count(program, program.name, limits)) {
        out.errors.push_back(std::move(*error));
        return out;
    }
    out.program = linked_to(std::move(program), reg);
    return out;
}

compiled load(std::string_view bytecode, std::string name, const validate::registry& reg) {
    compiled out;
    vm::program p;
    std::string error;
    auto invalid = [&](const std::string& file) {
        out.errors.push_back(diagnostic{.file = file, .message = "invalid bytecode: " + error});
        return out;
    };
    if (!vm::deserialize(bytecode, p, error)) return invalid(name);
    for (const auto& cap : p.capabilities)
        if (!reg.capability(cap)) {
            out.errors.push_back(
                diagnostic{.file = name,
                           .message = "bytecode requires capability '" + cap + "', which this Sift lacks"});
            return out;
        }
    p.name = std::move(name);
    if (!vm::link_matchers(p, reg.tables(), error)) return invalid(p.name);
    out.program = std::make_shared<const vm::program>(std::move(p));
    return out;
}

}  // namespace sift::api
