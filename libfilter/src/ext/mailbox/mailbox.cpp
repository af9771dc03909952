// RFC 5490 §3: mailbox.
//   fileinto [":create"] <mailbox: string>          (§3.2)
//   mailboxexists <mailbox-names: string-list>      (§3.1)
// :create is a prefix the next fileinto (or a vacation/notify :fcc, RFC
// 8580) consumes; the action carries it (fileinto_action::create, fcc_copy::create) and the delivery
// agent creates the mailbox. mailboxexists asks the host's mail store
// (sift::host::mailboxes); a name that is not UTF-8 exists nowhere
// (a warning when it is a constant, as in Pigeonhole).
#include "ext/mailbox/mailbox.hpp"

#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/utf8.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

mailbox_lookup mailbox_service(const vm::run_state& s, std::string_view test) {
    const auto* store = s.host.mailboxes();
    if (!store)
        throw vm::runtime_error{
            std::string(test) +
            " needs the host's mailbox service (sift::host::mailboxes), which is missing"};
    return {*store, test};
}

bool mailbox_lookup::exists(std::string_view mailbox) const {
    return vm::ask_host(test_, [&] { return store_.exists(mailbox); });
}
std::optional<std::string> mailbox_lookup::metadata(std::string_view mailbox, std::string_view entry) const {
    return vm::ask_host(test_, [&] { return store_.metadata(mailbox, entry); });
}
std::optional<std::string> mailbox_lookup::server_metadata(std::string_view entry) const {
    return vm::ask_host(test_, [&] { return store_.server_metadata(entry); });
}
std::optional<std::string> mailbox_lookup::special_use(std::string_view flag) const {
    return vm::ask_host(test_, [&] { return store_.special_use(flag); });
}
bool mailbox_lookup::has_special_use(std::string_view mailbox, std::string_view flag) const {
    return vm::ask_host(test_, [&] { return store_.has_special_use(mailbox, flag); });
}
std::optional<std::string> mailbox_lookup::mailbox_for_id(std::string_view id) const {
    return vm::ask_host(test_, [&] { return store_.mailbox_for_id(id); });
}

bool valid_metadata_entry(std::string_view entry) {
    if (!entry.starts_with("/private/") && !entry.starts_with("/shared/")) return false;
    if (entry.ends_with('/') || entry.find("//") != std::string_view::npos) return false;
    for (char c : entry)
        if (c < 0x21 || c > 0x7E || c == '*' || c == '%') return false;
    return true;
}

void warn_metadata_entry(checker& c, const parse::ast::string_lit& entry) {
    if (!c.is_template(entry.value) && !valid_metadata_entry(entry.value))
        c.warning(entry.pos, "invalid metadata entry name '" + std::string(entry.value) +
                                 "' (RFC 5464: \"/private/...\" or \"/shared/...\"): it has no value");
}

bool valid_special_use(std::string_view flag) {
    if (flag.size() < 2 || flag[0] != '\\') return false;
    for (char c : flag.substr(1)) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F) return false;
        if (std::string_view("(){%*\"\\]").find(c) != std::string_view::npos) return false;
    }
    return true;
}

bool valid_object_id(std::string_view id) {
    if (id.empty() || id.size() > 255) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-'))
            return false;
    return true;
}

void register_mailbox(registry& r) {
    r.add(capability_def{"mailbox"});
    r.add(tag_def{.name = "create", .capability = "mailbox", .emit = [](compile::emitter& e, const binding&) {
                      e.emit(vm::opcode::mod_create);
                  }});
    r.allow_tag("fileinto", "create", "mailbox");
    r.add(command_def{
        .name = "mailboxexists",
        .is_test = true,
        .capability = "mailbox",
        .positional = {arg_kind::string_list},
        .check =
            [](checker& c, const binding& b) {
                for (const auto& box : b.list_arg(0).items)
                    if (!c.is_template(box.value) && !valid_utf8(box.value))
                        c.warning(box.pos, "mailbox name is not valid UTF-8: it never exists");
            },
        .emit = [](compile::emitter& e,
                   const binding& b) { e.emit(vm::opcode::test_mailboxexists, {e.list(b.list_arg(0))}); }});
}

}  // namespace sift::ext

namespace sift::ext {
namespace {

struct create_prefix_state final : vm::run_slot {
    bool set = false;

    void complete_action(vm::run_state&, action& a, bool&) override {
        if (auto* f = std::get_if<fileinto_action>(&a); f && set) f->create = true;
    }
    void drop_prefixes() override { set = false; }
};

}  // namespace

bool create_prefix(const vm::run_state& s) {
    const auto* state = s.find_slot<create_prefix_state>();
    return state && state->set;
}

}  // namespace sift::ext

namespace sift::vm {

void exec_mod_create(run_state& s, const instruction&) {
    s.slot<ext::create_prefix_state>().set = true;
}

void exec_test_mailboxexists(run_state& s, const instruction& ins) {
    const auto& store = ext::mailbox_service(s, "mailboxexists");
    std::string buffer;
    s.flag = true;
    for (auto id : s.list(ins.arg[0])) {
        auto box = s.text(id, buffer);
        if (!ext::valid_utf8(box) || !store.exists(box)) {
            s.flag = false;
            return;
        }
    }
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor mailbox_extension{
    .name = "mailbox", .add = register_mailbox, .services = needs(service::mailboxes)};

}  // namespace sift::ext
