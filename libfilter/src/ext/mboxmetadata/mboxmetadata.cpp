// RFC 5490 §4.1-4.2: mboxmetadata.
//   metadata [MATCH-TYPE] [COMPARATOR] <mailbox: string>
//            <annotation-name: string> <key-list: string-list>
//   metadataexists <mailbox: string> <annotation-names: string-list>
// Values come from the host's mail store (mailbox_host::metadata). An
// entry name that is not RFC 5464 syntax, or a mailbox name that is not
// UTF-8, has no value (a warning when constant, as in Pigeonhole).
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/mailbox/mailbox.hpp"
#include "ext/relational/relational.hpp"
#include "ext/utf8.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

namespace {

void warn_mailbox(checker& c, const parse::ast::string_lit& box) {
    if (!c.is_template(box.value) && !valid_utf8(box.value))
        c.warning(box.pos, "mailbox name is not valid UTF-8: it has no metadata");
}

}  // namespace

void register_mboxmetadata(registry& r) {
    r.add(capability_def{"mboxmetadata"});
    r.add(command_def{.name = "metadata",
                      .is_test = true,
                      .capability = "mboxmetadata",
                      .positional = {arg_kind::string, arg_kind::string, arg_kind::string_list},
                      .tags = {"comparator", "match-type"},
                      .check =
                          [](checker& c, const binding& b) {
                              warn_mailbox(c, b.list_arg(0).items.front());
                              warn_metadata_entry(c, b.list_arg(1).items.front());
                          },
                      .emit =
                          [](compile::emitter& e, const binding& b) {
                              e.emit(
                                  vm::opcode::test_metadata,
                                  {std::uint64_t(b.match.cmp), vm::pack(b.match), e.string(b.string_arg(0)),
                                   e.string(b.string_arg(1)), e.list(b.list_arg(2))});
                          }});
    r.add(command_def{
        .name = "metadataexists",
        .is_test = true,
        .capability = "mboxmetadata",
        .positional = {arg_kind::string, arg_kind::string_list},
        .check =
            [](checker& c, const binding& b) {
                warn_mailbox(c, b.list_arg(0).items.front());
                for (const auto& entry : b.list_arg(1).items) warn_metadata_entry(c, entry);
            },
        .emit =
            [](compile::emitter& e, const binding& b) {
                e.emit(vm::opcode::test_metadataexists, {e.string(b.string_arg(0)), e.list(b.list_arg(1))});
            }});
}

}  // namespace sift::ext

namespace sift::vm {

void exec_test_metadata(run_state& s, const instruction& ins) {
    const auto& store = ext::mailbox_service(s, "metadata");
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    std::string box_buffer, entry_buffer;
    auto box = s.text(ins.arg[2], box_buffer);
    auto entry = s.text(ins.arg[3], entry_buffer);
    std::optional<std::string> value;
    if (ext::valid_utf8(box) && ext::valid_metadata_entry(entry)) value = store.metadata(box, entry);
    s.flag = value && s.any_key(*value, ins.arg[4], spec);
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[4], spec);
}

void exec_test_metadataexists(run_state& s, const instruction& ins) {
    const auto& store = ext::mailbox_service(s, "metadataexists");
    std::string box_buffer, entry_buffer;
    auto box = s.text(ins.arg[0], box_buffer);
    s.flag = ext::valid_utf8(box);
    for (auto id : s.list(ins.arg[1])) {
        if (!s.flag) return;
        auto entry = s.text(id, entry_buffer);
        s.flag = ext::valid_metadata_entry(entry) && store.metadata(box, entry).has_value();
    }
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor mboxmetadata_extension{
    .name = "mboxmetadata", .add = register_mboxmetadata, .services = needs(service::mailboxes)};

}  // namespace sift::ext
