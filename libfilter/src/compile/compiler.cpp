#include "compile/compiler.hpp"

#include "compile/emitter.hpp"

#include <algorithm>

namespace sift::compile {
namespace ast = parse::ast;
using validate::control;

namespace {

class compiler {
public:
    compiler(const validate::validated& v, emitter& e) : v_(v), e_(e) {}

    void block(const ast::block& commands) {
        for (std::size_t i = 0; i < commands.size(); ++i) {
            const auto& b = v_.of(commands[i]);
            if (b.def->kind == control::if_)
                i = if_chain(commands, i);
            else
                command(commands[i], b);
        }
    }

    emitter& out() { return e_; }

private:
    void command(const ast::command& cmd, const validate::binding& b) {
        e_.set_line(cmd.pos.line);
        emit_tag_prefixes(b);
        bool own_block = b.def->block && b.def->kind == control::none;
        auto exit = own_block ? e_.new_label() : emitter::label{};
        // emit and emit_end see their own block's exit (a loop jumps there).
        if (own_block) e_.push_block_exit(exit);
        if (b.def->emit) b.def->emit(e_, b);
        if (!own_block) return;
        block(cmd.body);
        e_.set_line(cmd.end.line);
        if (b.def->emit_end) b.def->emit_end(e_, b);
        e_.pop_block_exit();
        e_.place(exit);
    }

    void emit_tag_prefixes(const validate::binding& b) {
        for (const auto& [tag, value] : b.tags)
            if (tag->emit) tag->emit(e_, b);
    }

    // if / elsif* / else?: each branch tests, runs its block, then leaves
    // the chain. Returns the index of the chain's last command.
    std::size_t if_chain(const ast::block& commands, std::size_t i) {
        auto end = e_.new_label();
        for (;; ++i) {
            const auto& cmd = commands[i];
            auto kind = v_.of(cmd).def->kind;
            auto next_kind = i + 1 < commands.size() ? v_.of(commands[i + 1]).def->kind : control::none;
            bool more = next_kind == control::elsif || next_kind == control::else_;
            if (kind == control::else_) {
                block(cmd.body);
                break;
            }
            auto next = e_.new_label();
            condition(cmd.tests.front(), false, next);
            // A block under a false `ihave` was not validated: leave it out.
            if (v_.of(cmd.tests.front()).constant != false) block(cmd.body);
            if (more) {
                e_.set_line(cmd.end.line);
                e_.emit_jump(vm::opcode::jump, end);
            }
            e_.place(next);
            if (!more) break;
        }
        e_.place(end);
        return i;
    }

    // Emits code that jumps to `target` when `t` evaluates to `when`, and
    // falls through otherwise; allof/anyof short-circuit.
    void condition(const ast::test& t, bool when, emitter::label target) {
        const auto& b = v_.of(t);
        if (b.constant) {
            if (*b.constant == when) e_.emit_jump(vm::opcode::jump, target);
            return;
        }
        switch (b.def->kind) {
            case control::not_:
                condition(t.tests.front(), !when, target);
                return;
            case control::allof:
            case control::anyof: {
                // allof jumps on the first false, anyof on the first true;
                // the other sense needs every test, so it skips past on the
                // deciding value instead.
                bool decisive = b.def->kind == control::anyof;
                if (when == decisive) {
                    for (const auto& sub : t.tests) condition(sub, when, target);
                    return;
                }
                auto skip = e_.new_label();
                for (std::size_t k = 0; k + 1 < t.tests.size(); ++k) condition(t.tests[k], decisive, skip);
                condition(t.tests.back(), when, target);
                e_.place(skip);
                return;
            }
            default:
                e_.set_line(t.pos.line);
                emit_tag_prefixes(b);
                b.def->emit(e_, b);
                e_.emit_jump(when ? vm::opcode::jump_if_true : vm::opcode::jump_if_false, target);
        }
    }

    const validate::validated& v_;
    emitter& e_;
};

}  // namespace

void emit_script(emitter& e, const ast::script& script, const validate::validated& v) {
    compiler c(v, e);
    e.enable_templates(std::find(v.capabilities.begin(), v.capabilities.end(), "variables") !=
                       v.capabilities.end());
    c.block(script.commands);
}

vm::program compile(const ast::script& script, validate::validated&& v, std::string name) {
    emitter e;
    emit_script(e, script, v);
    return e.finish(std::move(name), std::move(v.capabilities));
}

}  // namespace sift::compile
