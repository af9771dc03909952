// RFC 8580: fcc.
//   vacation / notify [":fcc" <mailbox: string> [":create"]
//                      [":flags" <flags: string-list>]
//                      [":specialuse" <special-use-attr: string>]] ...
// :fcc is a prefix (mod_fcc) like :create, :flags, :specialuse and
// :mailboxid (RFC 9042 §4.3, ext/mailboxid), each kept in its folder's run
// slot; the sending action gathers them with pending_fcc() into the
// action's fcc. The tags go on vacation and
// notify (the registry applies them whichever registers first); :create
// needs "mailbox", :flags "imap4flags", :specialuse "special-use", as §3
// says.
#include "ext/fcc/fcc.hpp"

#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/imap4flags/imap4flags.hpp"
#include "ext/mailbox/mailbox.hpp"
#include "ext/mailboxid/mailboxid.hpp"
#include "ext/special_use/special_use.hpp"
#include "ext/utf8.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

namespace {

struct fcc_prefix final : vm::run_slot {
    std::optional<std::string> mailbox;

    void drop_prefixes() override { mailbox.reset(); }
};

}  // namespace

std::optional<fcc_copy> pending_fcc(const vm::run_state& s) {
    const auto* prefix = s.find_slot<fcc_prefix>();
    if (!prefix || !prefix->mailbox) return std::nullopt;
    fcc_copy copy;
    copy.mailbox = *prefix->mailbox;
    if (auto flags = flags_prefix(s)) copy.flags = std::move(*flags);
    copy.special_use = special_use_prefix(s).value_or("");
    copy.mailbox_id = mailbox_id_prefix(s).value_or("");
    copy.create = create_prefix(s);
    return copy;
}

void register_fcc(registry& r) {
    r.add(capability_def{"fcc"});
    r.add(tag_def{.name = "fcc",
                  .parameter = arg_kind::string,
                  .capability = "fcc",
                  .check =
                      [](checker& c, binding& b) {
                          const auto* v = b.tag_value("fcc");
                          if (!v) return;
                          const auto& box = std::get<parse::ast::string_list>(*v).items.front();
                          if (!c.is_template(box.value) && (box.value.empty() || !valid_utf8(box.value)))
                              c.error(box.pos, "invalid :fcc mailbox name (empty or not UTF-8)");
                      },
                  .emit =
                      [](compile::emitter& e, const binding& b) {
                          const auto& box = std::get<parse::ast::string_list>(*b.tag_value("fcc"));
                          e.emit(vm::opcode::mod_fcc, {e.string(box.items.front().value)});
                      }});
    for (std::string_view command : {"vacation", "notify"}) {
        r.allow_tag(command, "fcc", "fcc");
        r.allow_tag(command, "create", "mailbox");
        r.allow_tag(command, "flags", "imap4flags");
        r.allow_tag(command, "specialuse", "special-use");
    }
}

}  // namespace sift::ext

namespace sift::vm {

void exec_mod_fcc(run_state& s, const instruction& ins) {
    std::string buffer;
    auto box = s.text(ins.arg[0], buffer);
    if (box.empty() || !ext::valid_utf8(box)) throw runtime_error{"invalid :fcc mailbox name"};
    s.slot<ext::fcc_prefix>().mailbox = std::string(box);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor fcc_extension{.name = "fcc", .add = register_fcc};

}  // namespace sift::ext
