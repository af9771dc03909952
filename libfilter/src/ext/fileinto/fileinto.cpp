// RFC 5228 §4.1: fileinto <mailbox: string>. Mailbox names are UTF-8
// (RFC 5228 §2.7.2 via RFC 3501 modified UTF-7 is the store's business).
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/utf8.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

void register_fileinto(registry& r) {
    r.add(capability_def{"fileinto"});
    r.add(command_def{
        .name = "fileinto",
        .capability = "fileinto",
        .positional = {arg_kind::string},
        .check =
            [](checker& c, const binding& b) {
                const auto& box = b.list_arg(0).items.front();
                if (!valid_utf8(box.value))
                    c.error(box.pos, "mailbox name is not valid UTF-8");
                else if (box.value.empty())
                    c.error(box.pos, "mailbox name is empty");
            },
        .emit = [](compile::emitter& e,
                   const binding& b) { e.emit(vm::opcode::act_fileinto, {e.string(b.string_arg(0))}); }});
}

}  // namespace sift::ext

namespace sift::vm {

void exec_act_fileinto(run_state& s, const instruction& ins) {
    std::string buffer;
    auto mailbox = s.text(ins.arg[0], buffer);
    // A name built from variables is checked here, as validation would have.
    if (!ext::valid_utf8(mailbox)) throw runtime_error{"mailbox name is not valid UTF-8"};
    s.fileinto(mailbox, s.line());
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor fileinto_extension{.name = "fileinto", .add = register_fileinto};

}  // namespace sift::ext
