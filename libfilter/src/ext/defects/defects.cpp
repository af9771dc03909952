// vnd.sift.defects, Sift's own (docs/EXTENSIONS.md):
//   defect [COMPARATOR] [MATCH-TYPE] <names: string-list>
// True when the name of a defect recorded for the message matches one of
// `names` (with :count, the number of recorded defects is compared). A
// defect is something the best-effort parse could not read as written: a
// header line that is not a field, a MIME part nested deeper than
// message_limits::max_mime_depth, header fields past max_headers, ... The
// names are stable (mail/defect.hpp, docs/MESSAGE.md), so a policy can
// refuse what it could not inspect:
//     require ["vnd.sift.defects", "reject"];
//     if defect :is ["mime_too_deep", "mime_too_many_parts"] { reject "..."; }
// The test parses the whole message (header section and MIME tree) and
// checks the transfer encoding of every base64 and quoted-printable leaf
// (without decoding it: ext/mime/content_state.hpp), so it sees every
// defect whatever other tests ran before it, and those extensions find
// (descriptor::find_defects: vnd.sift.attachment's archive_* defects).
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/mime/content_state.hpp"
#include "ext/relational/relational.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <span>
#include <vector>

namespace sift::ext {
using namespace validate;

void register_defects(registry& r) {
    r.add(capability_def{"vnd.sift.defects"});
    r.add(command_def{.name = "defect",
                      .is_test = true,
                      .capability = "vnd.sift.defects",
                      .positional = {arg_kind::string_list},
                      .tags = {"comparator", "match-type"},
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(vm::opcode::test_defect,
                                 {std::uint64_t(b.match.cmp), vm::pack(b.match), e.list(b.list_arg(0))});
                      }});
}

extern const descriptor defects_extension{.name = "defects", .add = register_defects};

}  // namespace sift::ext

namespace sift::vm {
namespace {

// The extensions that find defects of their own: a fixed set, looked up
// once rather than over every extension at each test (the default policy
// has three defect tests a message; the walk was most of their own cost).
std::span<const ext::descriptor* const> defect_finders() {
    static const std::vector<const ext::descriptor*> finders = [] {
        std::vector<const ext::descriptor*> out;
        for (const auto* d : ext::extensions())
            if (d->find_defects) out.push_back(d);
        return out;
    }();
    return finders;
}

}  // namespace

void exec_test_defect(run_state& s, const instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    s.flag = false;
    for (const auto& d : s.message.defects()) {
        if (s.any_key(mail::name(d.kind), ins.arg[2], spec)) {
            s.flag = true;
            return;
        }
    }
    for (const auto& [part, d] : ext::all_encoding_defects(s)) {
        if (s.any_key(mail::name(d.kind), ins.arg[2], spec)) {
            s.flag = true;
            return;
        }
    }
    for (const auto* d : defect_finders()) {
        for (const auto& found : d->find_defects(s)) {
            if (s.any_key(mail::name(found.kind), ins.arg[2], spec)) {
                s.flag = true;
                return;
            }
        }
    }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[2], spec);
}

}  // namespace sift::vm
