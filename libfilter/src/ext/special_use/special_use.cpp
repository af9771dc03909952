// RFC 8579: special-use.
//   fileinto [":specialuse" <special-use-attr: string>] <mailbox: string>  (§4)
//   specialuse_exists [<mailbox: string>] <special-use-attrs: string-list> (§5)
// :specialuse is a prefix the next fileinto (or a vacation/notify :fcc,
// RFC 8580) takes: with the host's mail store, the message goes to the
// mailbox carrying the flag, else to the named one (which :create may
// create); the action keeps the flag (fileinto_action::special_use) for a delivery
// agent that resolves it itself. A flag is "\" and an IMAP atom; a
// constant one that is not is a compile error, one built from variables a
// runtime error. specialuse_exists is false for an invalid flag or a
// mailbox name that is not UTF-8 (a warning when constant, as Pigeonhole).
#include "ext/special_use/special_use.hpp"

#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/mailbox/mailbox.hpp"
#include "ext/mailboxid/mailboxid.hpp"
#include "ext/utf8.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

namespace {

void check_flag(checker& c, const parse::ast::string_lit& flag) {
    if (!c.is_template(flag.value) && !valid_special_use(flag.value))
        c.error(flag.pos, "invalid special-use flag '" + std::string(flag.value) +
                              "' (expected \"\\\\\" and an atom, e.g. \"\\\\Junk\")");
}

}  // namespace

void register_special_use(registry& r) {
    r.add(capability_def{"special-use"});
    r.add(tag_def{.name = "specialuse",
                  .parameter = arg_kind::string,
                  .capability = "special-use",
                  .check =
                      [](checker& c, binding& b) {
                          if (const auto* v = b.tag_value("specialuse"))
                              check_flag(c, std::get<parse::ast::string_list>(*v).items.front());
                      },
                  .emit =
                      [](compile::emitter& e, const binding& b) {
                          const auto& flag = std::get<parse::ast::string_list>(*b.tag_value("specialuse"));
                          e.emit(vm::opcode::mod_specialuse, {e.string(flag.items.front().value)});
                      }});
    r.allow_tag("fileinto", "specialuse", "special-use");
    r.add(command_def{.name = "specialuse_exists",
                      .is_test = true,
                      .capability = "special-use",
                      .positional = {arg_kind::string, arg_kind::string_list},
                      .check =
                          [](checker& c, const binding& b) {
                              bool with_mailbox = b.positional.size() == 2;
                              if (with_mailbox) {
                                  const auto& box = b.list_arg(0).items.front();
                                  if (!c.is_template(box.value) && !valid_utf8(box.value))
                                      c.warning(box.pos, "mailbox name is not valid UTF-8: it never exists");
                              }
                              for (const auto& flag : b.list_arg(with_mailbox ? 1 : 0).items)
                                  check_flag(c, flag);
                          },
                      .emit =
                          [](compile::emitter& e, const binding& b) {
                              bool with_mailbox = b.positional.size() == 2;
                              e.emit(vm::opcode::test_specialuse_exists,
                                     {with_mailbox ? 1u : 0u, e.string(with_mailbox ? b.string_arg(0) : ""),
                                      e.list(b.list_arg(with_mailbox ? 1 : 0))});
                          },
                      .first_optional = true});
}

}  // namespace sift::ext

namespace sift::ext {
namespace {

struct special_use_prefix_state final : vm::run_slot {
    std::optional<std::string> flag;

    // fileinto keeps the flag, and goes to the mailbox carrying it; with a
    // :mailboxid too, that one decides first (ext/mailboxid resolves both).
    void complete_action(vm::run_state& s, action& a, bool&) override {
        auto* f = std::get_if<fileinto_action>(&a);
        if (!f || !flag) return;
        f->special_use = *flag;
        if (mailbox_id_prefix(s)) return;
        if (auto found = special_use_mailbox(s, *flag)) f->mailbox = std::move(*found);
    }
    void drop_prefixes() override { flag.reset(); }
};

}  // namespace

std::optional<std::string> special_use_prefix(const vm::run_state& s) {
    const auto* state = s.find_slot<special_use_prefix_state>();
    return state ? state->flag : std::nullopt;
}

std::optional<std::string> special_use_mailbox(const vm::run_state& s, std::string_view flag) {
    const mailbox_host* store = s.host.mailboxes();
    if (!store) return std::nullopt;
    return vm::ask_host("fileinto :specialuse", [&] { return store->special_use(flag); });
}

}  // namespace sift::ext

namespace sift::vm {

void exec_mod_specialuse(run_state& s, const instruction& ins) {
    std::string buffer;
    auto flag = s.text(ins.arg[0], buffer);
    if (!ext::valid_special_use(flag))
        throw runtime_error{"invalid special-use flag '" + std::string(flag) + "'"};
    s.slot<ext::special_use_prefix_state>().flag = std::string(flag);
}

void exec_test_specialuse_exists(run_state& s, const instruction& ins) {
    const auto& store = ext::mailbox_service(s, "specialuse_exists");
    std::string box_buffer, flag_buffer;
    std::optional<std::string_view> box;
    if (ins.arg[0]) box = s.text(ins.arg[1], box_buffer);
    s.flag = !box || ext::valid_utf8(*box);
    for (auto id : s.list(ins.arg[2])) {
        if (!s.flag) return;
        auto flag = s.text(id, flag_buffer);
        s.flag =
            ext::valid_special_use(flag) && (box ? store.exists(*box) && store.has_special_use(*box, flag)
                                                 : store.special_use(flag).has_value());
    }
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor special_use_extension{
    .name = "special_use", .add = register_special_use, .services = needs(service::mailboxes)};

}  // namespace sift::ext
