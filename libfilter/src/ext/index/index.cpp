// RFC 5260 §6: index. The tags `:index <fieldno>` and `:last` on the
// header, address and date tests make them look at one field of each
// name: the fieldno-th from the top, or from the bottom with :last.
// :last without :index is an error, and so is fieldno 0 (fields count
// from 1; in bytecode, 0 selects nothing). Emitted as a prefix that the
// test takes (ext::take_index, index.hpp).
#include "ext/index/index.hpp"

#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

namespace {

void emit_index(compile::emitter& e, const binding& b) {
    // Emitted once, from :index (a :last alone is an error).
    e.emit(vm::opcode::mod_index,
           {std::get<parse::ast::number>(*b.tag_value("index")).value, b.has_tag("last") ? 1u : 0u});
}

void check_index(checker& c, binding& b) {
    const auto* value = b.tag_value("index");
    if (const auto* n = value ? std::get_if<parse::ast::number>(value) : nullptr; n && n->value == 0)
        c.error(n->pos, ":index 0 selects no field (fields are counted from 1)");
}

void check_last(checker& c, binding& b) {
    if (!b.has_tag("index")) c.error(b.pos, ":last requires :index");
}

}  // namespace

void register_index(registry& r) {
    r.add(capability_def{"index"});
    r.add(tag_def{.name = "index",
                  .parameter = arg_kind::number,
                  .capability = "index",
                  .check = check_index,
                  .emit = emit_index});
    r.add(tag_def{.name = "last", .capability = "index", .check = check_last});
    for (auto test : {"header", "address", "date"}) {
        r.allow_tag(test, "index", "index");
        r.allow_tag(test, "last", "index");
    }
}

}  // namespace sift::ext

namespace sift::vm {

void exec_mod_index(run_state& s, const instruction& ins) {
    s.slot<ext::index_prefix>().index =
        ext::field_index{unsigned(std::min<std::uint64_t>(ins.arg[0], UINT32_MAX)), ins.arg[1] != 0};
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor index_extension{.name = "index", .add = register_index};

}  // namespace sift::ext
