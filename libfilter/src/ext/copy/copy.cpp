// RFC 3894: copy. The :copy tag on fileinto and redirect files or sends a
// copy without cancelling the implicit keep. Emitted as a prefix
// instruction (mod_copy) whose run slot completes the action it precedes.
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {

void register_copy(validate::registry& r) {
    r.add(validate::capability_def{"copy"});
    r.add(validate::tag_def{
        .name = "copy", .capability = "copy", .emit = [](compile::emitter& e, const validate::binding&) {
            e.emit(vm::opcode::mod_copy);
        }});
    r.allow_tag("fileinto", "copy", "copy");
    r.allow_tag("redirect", "copy", "copy");
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

struct copy_prefix final : run_slot {
    bool set = false;

    void complete_action(run_state&, action& a, bool& cancels_implicit_keep) override {
        if (!set) return;
        if (auto* f = std::get_if<fileinto_action>(&a)) {
            f->copy = true;
        } else if (auto* r = std::get_if<redirect_action>(&a)) {
            r->copy = true;
        } else {
            return;
        }
        cancels_implicit_keep = false;
    }
    void drop_prefixes() override { set = false; }
};

}  // namespace

void exec_mod_copy(run_state& s, const instruction&) {
    s.slot<copy_prefix>().set = true;
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor copy_extension{.name = "copy", .add = register_copy};

}  // namespace sift::ext
