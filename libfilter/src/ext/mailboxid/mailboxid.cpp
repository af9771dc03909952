// RFC 9042: mailboxid.
//   fileinto [":mailboxid" <mailboxid: string>] <mailbox: string>   (§4.1)
//   mailboxidexists <mailbox-objectids: string-list>                 (§4.2)
// :mailboxid is a prefix the next fileinto takes: with the host's mail
// store, the message goes to the mailbox with that OBJECTID (RFC 8474)
// when there is one, else to the named mailbox; the action keeps the id
// (fileinto_action::mailbox_id) for a delivery agent that resolves it itself.
// mailboxidexists is false for an id that is not RFC 8474 syntax.
//   vacation / notify [":fcc" <mailbox: string> [":mailboxid" <mailboxid: string>]] ...
//                                                                   (§4.3)
// With :fcc, :mailboxid names the mailbox the copy goes to first
// (fcc_copy::mailbox_id); without :fcc it has nothing to apply to and is
// an error.
#include "ext/mailboxid/mailboxid.hpp"

#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/mailbox/mailbox.hpp"
#include "ext/special_use/special_use.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

namespace {

void check_mailboxid(checker& c, binding& b) {
    if (b.def->name == "fileinto" || b.has_tag("fcc")) return;
    for (const auto& [tag, value] : b.tags)
        if (tag->name == "mailboxid")
            c.error(std::get<parse::ast::string_list>(*value).pos,
                    ":mailboxid on " + std::string(b.def->name) + " requires :fcc (RFC 9042 §4.3)");
}

}  // namespace

void register_mailboxid(registry& r) {
    r.add(capability_def{"mailboxid"});
    r.add(tag_def{.name = "mailboxid",
                  .parameter = arg_kind::string,
                  .capability = "mailboxid",
                  .check = check_mailboxid,
                  .emit = [](compile::emitter& e, const binding& b) {
                      const auto& id = std::get<parse::ast::string_list>(*b.tag_value("mailboxid"));
                      e.emit(vm::opcode::mod_mailboxid, {e.string(id.items.front().value)});
                  }});
    for (std::string_view command : {"fileinto", "vacation", "notify"})
        r.allow_tag(command, "mailboxid", "mailboxid");
    r.add(command_def{.name = "mailboxidexists",
                      .is_test = true,
                      .capability = "mailboxid",
                      .positional = {arg_kind::string_list},
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(vm::opcode::test_mailboxidexists, {e.list(b.list_arg(0))});
                      }});
}

}  // namespace sift::ext

namespace sift::ext {
namespace {

struct mailbox_id_prefix_state final : vm::run_slot {
    std::optional<std::string> id;

    // §4.1: fileinto keeps the id and goes to the mailbox with that id,
    // else (RFC 8579 §4) to the one with a :specialuse flag given too,
    // else to the named one; unresolved without a store.
    void complete_action(vm::run_state& s, action& a, bool&) override {
        auto* f = std::get_if<fileinto_action>(&a);
        if (!f || !id) return;
        f->mailbox_id = *id;
        const mailbox_host* store = s.host.mailboxes();
        if (!store) return;
        auto found = vm::ask_host("fileinto :mailboxid", [&] { return store->mailbox_for_id(*id); });
        if (!found)
            if (auto flag = special_use_prefix(s)) found = special_use_mailbox(s, *flag);
        if (found) f->mailbox = std::move(*found);
    }
    void drop_prefixes() override { id.reset(); }
};

}  // namespace

std::optional<std::string> mailbox_id_prefix(const vm::run_state& s) {
    const auto* state = s.find_slot<mailbox_id_prefix_state>();
    return state ? state->id : std::nullopt;
}

}  // namespace sift::ext

namespace sift::vm {

void exec_mod_mailboxid(run_state& s, const instruction& ins) {
    std::string buffer;
    s.slot<ext::mailbox_id_prefix_state>().id = std::string(s.text(ins.arg[0], buffer));
}

void exec_test_mailboxidexists(run_state& s, const instruction& ins) {
    const auto& store = ext::mailbox_service(s, "mailboxidexists");
    std::string buffer;
    s.flag = true;
    for (auto id : s.list(ins.arg[0])) {
        auto text = s.text(id, buffer);
        if (!ext::valid_object_id(text) || !store.mailbox_for_id(text)) {
            s.flag = false;
            return;
        }
    }
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor mailboxid_extension{
    .name = "mailboxid", .add = register_mailboxid, .services = needs(service::mailboxes)};

}  // namespace sift::ext
