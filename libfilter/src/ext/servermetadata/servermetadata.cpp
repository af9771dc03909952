// RFC 5490 §4.3-4.4: servermetadata.
//   servermetadata [MATCH-TYPE] [COMPARATOR] <annotation-name: string>
//                  <key-list: string-list>
//   servermetadataexists <annotation-names: string-list>
// Values come from the host's mail store (mailbox_host::server_metadata);
// an entry name that is not RFC 5464 syntax has no value (a warning when
// constant).
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/mailbox/mailbox.hpp"
#include "ext/relational/relational.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

void register_servermetadata(registry& r) {
    r.add(capability_def{"servermetadata"});
    r.add(command_def{
        .name = "servermetadata",
        .is_test = true,
        .capability = "servermetadata",
        .positional = {arg_kind::string, arg_kind::string_list},
        .tags = {"comparator", "match-type"},
        .check = [](checker& c, const binding& b) { warn_metadata_entry(c, b.list_arg(0).items.front()); },
        .emit =
            [](compile::emitter& e, const binding& b) {
                e.emit(vm::opcode::test_servermetadata, {std::uint64_t(b.match.cmp), vm::pack(b.match),
                                                         e.string(b.string_arg(0)), e.list(b.list_arg(1))});
            }});
    r.add(command_def{.name = "servermetadataexists",
                      .is_test = true,
                      .capability = "servermetadata",
                      .positional = {arg_kind::string_list},
                      .check =
                          [](checker& c, const binding& b) {
                              for (const auto& entry : b.list_arg(0).items) warn_metadata_entry(c, entry);
                          },
                      .emit =
                          [](compile::emitter& e, const binding& b) {
                              e.emit(vm::opcode::test_servermetadataexists, {e.list(b.list_arg(0))});
                          }});
}

}  // namespace sift::ext

namespace sift::vm {

void exec_test_servermetadata(run_state& s, const instruction& ins) {
    const auto& store = ext::mailbox_service(s, "servermetadata");
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    std::string buffer;
    auto entry = s.text(ins.arg[2], buffer);
    std::optional<std::string> value;
    if (ext::valid_metadata_entry(entry)) value = store.server_metadata(entry);
    s.flag = value && s.any_key(*value, ins.arg[3], spec);
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[3], spec);
}

void exec_test_servermetadataexists(run_state& s, const instruction& ins) {
    const auto& store = ext::mailbox_service(s, "servermetadataexists");
    std::string buffer;
    s.flag = true;
    for (auto id : s.list(ins.arg[0])) {
        auto entry = s.text(id, buffer);
        if (!ext::valid_metadata_entry(entry) || !store.server_metadata(entry)) {
            s.flag = false;
            return;
        }
    }
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor servermetadata_extension{
    .name = "servermetadata", .add = register_servermetadata, .services = needs(service::mailboxes)};

}  // namespace sift::ext
