// RFC 5703 §3: foreverypart and break.
//   foreverypart [":name" string] block
//   break [":name" string]
// Outside a loop, the loop visits the message itself and then every part
// in it, depth-first, parents before children, an enclosed message/rfc822
// message after its part (as Pigeonhole does); a nested loop visits the
// parts inside its outer loop's current part, so it does not run at all
// on a leaf.
//
// Code:   loop_begin exit, name    push an iterator; no parts: goto exit
//         <body>
//         loop_next                next part: back to the body, else pop
//   exit:
// `break` pops the iterators up to the loop it names and jumps to that
// loop's exit; the addresses come from the iterator, so nothing but the
// forward jump to `exit` is patched. A loop runs at most once per part,
// and the tree has at most message_limits::max_mime_parts parts; the
// instruction budget bounds the whole run as always.
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/mime/content_state.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

namespace {

const std::string_view* loop_name(const binding& b) {
    const auto* v = b.tag_value("name");
    return v ? &std::get<parse::ast::string_list>(*v).items.front().value : nullptr;
}

bool is_loop(const binding& b) {
    return b.def->name == "foreverypart" && b.def->capability == "foreverypart";
}

// break must sit in a foreverypart; break :name in one of that name.
void check_break(checker& c, const binding& b) {
    const auto* name = loop_name(b);
    for (const auto& outer : c.enclosing()) {
        if (!is_loop(outer)) continue;
        const auto* outer_name = loop_name(outer);
        if (!name || (outer_name && *outer_name == *name)) return;
    }
    if (name)
        c.error(b.pos,
                "break :name \"" + std::string(*name) + "\" is not inside a foreverypart loop of that name");
    else
        c.error(b.pos, "break is only allowed inside a foreverypart loop");
}

void emit_loop(compile::emitter& e, const binding& b) {
    const auto* name = loop_name(b);
    e.emit_jump(vm::opcode::loop_begin, *e.block_exit(), e.string(name ? *name : ""));
}

}  // namespace

void register_foreverypart(registry& r) {
    r.add(capability_def{"foreverypart"});
    r.add(tag_def{.name = "name", .parameter = arg_kind::string, .capability = "foreverypart"});
    r.add(
        command_def{.name = "foreverypart",
                    .capability = "foreverypart",
                    .tags = {"name"},
                    .block = true,
                    .emit = emit_loop,
                    .emit_end = [](compile::emitter& e, const binding&) { e.emit(vm::opcode::loop_next); }});
    r.add(command_def{.name = "break",
                      .capability = "foreverypart",
                      .tags = {"name"},
                      .check = check_break,
                      .emit = [](compile::emitter& e, const binding& b) {
                          const auto* name = loop_name(b);
                          e.emit(vm::opcode::loop_break, {name ? 1u : 0u, e.string(name ? *name : "")});
                      }});
}

}  // namespace sift::ext

namespace sift::vm {

void exec_loop_begin(run_state& s, const instruction& ins) {
    auto& loops = ext::content(s).loops;
    // A loop is never re-entered while it runs, so a frame of this loop
    // still here was left by a jump out of it (a host's block exit): drop
    // it and the ones inside it.
    auto begin = s.pc - 1;
    for (std::size_t i = 0; i < loops.size(); ++i)
        if (loops[i].begin == begin) {
            loops.resize(i);
            break;
        }
    ext::loop_frame f;
    // Outside a loop the message is the first part; a nested loop visits
    // what is inside its outer loop's part.
    ext::collect_parts(ext::current_part(s), loops.empty(), f.parts);
    if (f.parts.empty()) {
        s.pc = ins.arg[0];
        return;
    }
    f.begin = begin;
    f.body = s.pc;
    f.exit = ins.arg[0];
    f.name = ins.arg[1];
    loops.push_back(std::move(f));
}

void exec_loop_next(run_state& s, const instruction&) {
    auto& loops = ext::content(s).loops;
    if (loops.empty()) throw runtime_error{"loop_next without a loop"};
    auto& f = loops.back();
    if (++f.index < f.parts.size()) {
        s.pc = f.body;
        return;
    }
    loops.pop_back();
}

void exec_loop_break(run_state& s, const instruction& ins) {
    auto& loops = ext::content(s).loops;
    while (!loops.empty()) {
        auto f = loops.back();
        loops.pop_back();
        bool target = !ins.arg[0] || s.prog().strings[f.name] == s.prog().strings[ins.arg[1]];
        if (target) {
            s.pc = f.exit;
            return;
        }
    }
    throw runtime_error{"break outside a foreverypart loop"};
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor foreverypart_extension{.name = "foreverypart", .add = register_foreverypart};

}  // namespace sift::ext
