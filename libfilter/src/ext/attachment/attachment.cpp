// vnd.sift.attachment, Sift's own (docs/EXTENSIONS.md):
//   attachment [":name" / ":extension"] [COMPARATOR] [MATCH-TYPE] <keys: string-list>
// True when the name of a file the message carries matches one of `keys`:
// every MIME part with a file name (Content-Disposition filename, else
// Content-Type name; RFC 2231 and RFC 2047 decoded by mail/), also inside
// message/rfc822 parts, and every member of the archives among them
// (zip, 7z, rar, cab, tar, cpio, iso, single gz/bz2/xz files, nested up to
// attachment_options::max_depth). Names are normalised first (attachment.hpp:
// last path component, direction controls and invisible characters removed,
// trailing dots and spaces dropped, case folded). With :extension the
// values are each suffix after a dot ("photo.jpg.scr": "scr", "jpg.scr").
// Office and OpenDocument files are documents, never opened.
//
// On a match, when the script reads match variables (RFC 5229): ${0} the
// file's name, ${1} the extension that matched (with :name, the last one),
// ${2} the carrier (the outermost attachment's name) and ${3} the path
// through the archives ("docs.zip/bin/clam.exe"):
//     require ["vnd.sift.attachment", "variables", "reject"];
//     if attachment :extension ["exe", "scr"] {
//         reject "forbidden attachment type (.${1} in ${2})";
//     }
// What could not be inspected (archive_unreadable, archive_truncated,
// archive_quota_exceeded, archive_encrypted) and names that hid characters
// (attachment_name_bidi, attachment_name_invisible) are defects: in the
// result, and seen by the defect test of vnd.sift.defects.
#include "ext/attachment/attachment.hpp"

#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/relational/relational.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <array>
#include <optional>
#include <span>

namespace sift::ext {
using namespace validate;

namespace {

constexpr std::uint64_t extension_bit = vm::flag(vm::opcode::test_attachment, "extension");

struct attachment_state : vm::run_slot {
    std::optional<attachment_scan> scan;

    void finish(vm::run_state&, result& r, const vm::runtime_error*) override {
        if (!scan) return;
        r.attachments = scan->files;
        for (const auto& d : scan->defects) r.defects.push_back({std::string(mail::name(d.kind)), d.detail});
    }
    void message_forgotten() override { scan.reset(); }
};

void emit_attachment(compile::emitter& e, const binding& b) {
    std::uint64_t bits = b.has_tag("extension") ? extension_bit : 0;
    e.emit(vm::opcode::test_attachment,
           {bits, std::uint64_t(b.match.cmp), vm::pack(b.match), e.list(b.list_arg(0))});
}

const mail::defect_list& attachment_defects(vm::run_state& s) {
    return attachments(s).defects;
}

}  // namespace

const attachment_scan& attachments(vm::run_state& s) {
    auto& state = s.slot<attachment_state>();
    if (!state.scan) state.scan = scan_attachments(s.message.mime(), s.options.attachment);
    return *state.scan;
}

void register_attachment(registry& r) {
    r.add(capability_def{"vnd.sift.attachment"});
    r.add(tag_def{.name = "name", .group = "attachment value", .capability = "vnd.sift.attachment"});
    r.add(tag_def{.name = "extension", .group = "attachment value", .capability = "vnd.sift.attachment"});
    r.add(command_def{.name = "attachment",
                      .is_test = true,
                      .capability = "vnd.sift.attachment",
                      .positional = {arg_kind::string_list},
                      .tags = {"attachment value", "comparator", "match-type"},
                      .emit = emit_attachment});
}

extern const descriptor attachment_extension{
    .name = "attachment", .add = register_attachment, .find_defects = attachment_defects};

}  // namespace sift::ext

namespace sift::vm {

namespace {

// ${0} the name, ${1} the extension, ${2} the carrier, ${3} the path: the
// four strings one after the other, each a captured span of the whole.
void set_file_match(run_state& s, const match_spec& spec, const ext::attached_file& f,
                    std::string_view extension) {
    if (!s.captures_wanted(spec)) return;
    std::string all = f.name;
    all.append(extension).append(f.carrier).append(f.path);
    std::size_t at = 0;
    std::array<span, 4> spans{};
    std::array<std::size_t, 4> lengths{f.name.size(), extension.size(), f.carrier.size(), f.path.size()};
    for (std::size_t i = 0; i < spans.size(); at += lengths[i], ++i) spans[i] = span{at, lengths[i]};
    s.captured(all, spans[0], std::span<const span>(spans).subspan(1));
}

}  // namespace

void exec_test_attachment(run_state& s, const instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[2], ins.arg[1]);
    bool by_extension = (ins.arg[0] & ext::extension_bit) != 0;
    s.flag = false;
    for (const auto& f : ext::attachments(s).files) {
        if (by_extension) {
            std::string_view hit;
            if (ext::any_extension(f.name, [&](std::string_view e) {
                    hit = e;
                    return s.any_key(e, ins.arg[3], spec);
                })) {
                set_file_match(s, spec, f, hit);
                s.flag = true;
                return;
            }
        } else if (s.any_key(f.name, ins.arg[3], spec)) {
            set_file_match(s, spec, f, ext::last_extension(f.name));
            s.flag = true;
            return;
        }
    }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[3], spec);
}

}  // namespace sift::vm
