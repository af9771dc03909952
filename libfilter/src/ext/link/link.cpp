// vnd.sift.link, Sift's own extension (docs/EXTENSIONS.md "vnd.sift.link"):
// a test over the message's links, each with the text a reader is shown
// for it, which no standard test can see (body compares text, and a
// regular expression over HTML cannot follow its markup).
//
//   link [LINK-PART] [COMPARATOR] [MATCH-TYPE] <key-list: string-list>
//   link :brand <domains: string-list>
//   LINK-PART = ":url" / ":host" / ":text" / ":shownhost" / ":trait"   ; :url by default
//
// The links are every <a href> and <area href> of the text/html parts
// (libxml2's HTML parser), and every URL written in text/plain parts and
// in HTML text outside links ("http://...", "www...."), also inside
// message/rfc822 parts; web links only (http:, https:, "www." names,
// "//host", and those schemes written wrongly: "http//host"). The values
// of each link: :url the URL as written; :host its host, lower-cased
// (none when it has none); :text the text shown for it (an HTML link's
// text, white space collapsed, an image's alt text; a URL in text shows
// itself); :shownhost the host that text names (a URL in it, or a domain
// name such as "PayPal.com"; none when it names none); :trait what is odd
// about it, each a value: "ip", "malformed", "mismatch", "userinfo",
// "port", "encoded" (links.hpp). :count counts the values: with :url, the
// links.
//
//   if link :trait "mismatch"                       # <a href="http://evil.example/">www.bank.com</a>
//   if link :count "ge" :comparator "i;ascii-numeric" "20"
//   if link :brand ["paypal.com", "ebay.com"]       # "PayPal" shown, another domain opened
//
// :brand is true when a link poses as one of the domains: the host its
// text names is in the domain, or (an HTML link) its text has the
// domain's first label as a word ("PayPal" for paypal.com), while its own
// host is not in the domain. It takes no comparator and no match type.
// On a match (not with :brand) ${0}... are set as for header.
#include "ext/link/links.hpp"

#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/mime/content_state.hpp"
#include "ext/relational/relational.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift::ext {
using namespace validate;

namespace {

struct part_def {
    std::string_view name;
    std::uint64_t flag;
};
constexpr std::array<part_def, 6> parts{{
    {"url", vm::flag(vm::opcode::test_link, "url")},
    {"host", vm::flag(vm::opcode::test_link, "host")},
    {"text", vm::flag(vm::opcode::test_link, "text")},
    {"shownhost", vm::flag(vm::opcode::test_link, "shownhost")},
    {"trait", vm::flag(vm::opcode::test_link, "trait")},
    {"brand", vm::flag(vm::opcode::test_link, "brand")},
}};
constexpr std::uint64_t part_of(std::string_view name) {
    for (const auto& p : parts)
        if (p.name == name) return p.flag;
    return 0;
}

// The message's links, found once per run (and again for a message a
// replace or enclose made).
struct link_state : vm::run_slot {
    std::optional<std::vector<link>> found;
    std::uint8_t traits = 0;  // of every link found: none, and :trait has no values

    void message_replaced(vm::run_state&, const mail::message&, const mail::message&,
                          const vm::part_map&) override {
        found.reset();
    }
    void message_forgotten() override { found.reset(); }
};

const std::vector<link>& message_links(vm::run_state& s) {
    auto& state = s.slot<link_state>();
    if (state.found) return *state.found;
    state.found.emplace();
    state.traits = 0;
    const link_limits limits;
    for (const auto* p : message_parts(s)) {
        if (state.found->size() >= limits.max_links) break;
        if (!p->children.empty() || p->is_multipart() || p->type != "text") continue;
        if (p->subtype == "html")
            html_links(content_text(s, *p), limits, *state.found);
        else if (p->subtype == "plain")
            text_links(content_text(s, *p), limits, *state.found);
    }
    for (const auto& l : *state.found) state.traits |= l.traits;
    return *state.found;
}

void check_link(checker& c, const binding& b) {
    if (!b.has_tag("brand")) return;
    if (b.has_tag("comparator") || b.match.type != vm::match_type::is)
        c.error(b.pos, "link :brand takes domain names, and no comparator or match type");
    for (const auto& key : b.list_arg(0).items) {
        if (c.is_template(key.value)) continue;
        auto d = key.value;
        while (!d.empty() && (d.front() == '@' || d.front() == '.')) d.remove_prefix(1);
        auto dot = d.find('.');
        if (dot == std::string_view::npos || dot == 0 || dot + 1 == d.size())
            c.error(key.pos,
                    "link :brand takes domain names (\"paypal.com\"), not '" + std::string(key.value) + "'");
    }
}

}  // namespace

void register_link(registry& r) {
    r.add(capability_def{"vnd.sift.link"});
    for (const auto& p : parts)
        r.add(tag_def{.name = p.name, .group = "link part", .capability = "vnd.sift.link"});
    r.add(command_def{.name = "link",
                      .is_test = true,
                      .capability = "vnd.sift.link",
                      .positional = {arg_kind::string_list},
                      .tags = {"link part", "comparator", "match-type"},
                      .check = check_link,
                      .emit = [](compile::emitter& e, const binding& b) {
                          std::uint64_t part = part_of("url");
                          for (const auto& p : parts)
                              if (b.has_tag(p.name)) part = p.flag;
                          e.emit(vm::opcode::test_link, {part, std::uint64_t(b.match.cmp), vm::pack(b.match),
                                                         e.list(b.list_arg(0))});
                      }});
}

}  // namespace sift::ext

namespace sift::vm {

void exec_test_link(run_state& s, const instruction& ins) {
    using namespace ext;
    const std::uint64_t part = ins.arg[0];
    const auto& links = message_links(s);
    s.flag = false;
    // No link (most messages), or no link with a trait: :brand, and every
    // part but under :count (which counts no values), has nothing to match.
    const bool counting = (ins.arg[2] & 0xFF) == std::uint64_t(match_count);
    if (links.empty() && (part == part_of("brand") || !counting)) return;
    if (part == part_of("trait") && !s.slot<link_state>().traits && !counting) return;
    if (part == part_of("brand")) {
        std::string buffer;
        for (auto key : s.list(ins.arg[3])) {
            auto domain = s.text(key, buffer);
            for (const auto& l : links)
                if (poses_as(l, domain)) {
                    s.flag = true;
                    return;
                }
        }
        return;
    }
    auto spec = s.match_spec_of(ins.arg[2], ins.arg[1]);
    auto matches = [&](std::string_view value) { return s.any_key(value, ins.arg[3], spec); };
    for (const auto& l : links) {
        bool hit = false;
        if (part == part_of("host")) {
            hit = !l.host.empty() && matches(l.host);
        } else if (part == part_of("text")) {
            hit = matches(l.text);
        } else if (part == part_of("shownhost")) {
            hit = !l.shown_host.empty() && matches(l.shown_host);
        } else if (part == part_of("trait")) {
            for (const auto& t : trait_names)
                if ((l.traits & t.bit) && matches(t.name)) {
                    hit = true;
                    break;
                }
        } else {
            hit = matches(l.url);
        }
        if (hit) {
            s.flag = true;
            return;
        }
    }
    if (spec.type == match_count) s.flag = count_matches(s, ins.arg[3], spec);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor link_extension{.name = "link", .add = register_link};

}  // namespace sift::ext
