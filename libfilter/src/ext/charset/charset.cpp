// vnd.sift.charset, Sift's own extension (docs/EXTENSIONS.md
// "vnd.sift.charset"): the charsets of a header's RFC 2047 encoded words,
// which header tests cannot see (they compare the field decoded, RFC 5228
// §2.7.2), so "a subject written in ks_c_5601-1987" is out of a standard
// script's reach.
//
//   charset [":encoding"] [":index" <n> [":last"]] [COMPARATOR] [MATCH-TYPE]
//           <header-names: string-list> <key-list: string-list>
//
// The values are, for each encoded word ("=?charset?B|Q?text?=", RFC 2047
// §2) in the named fields of the message's header, in order, its charset
// label as written, without an RFC 2231 §5 "*language" suffix
// ("ks_c_5601-1987", "windows-1251"); with :encoding, its encoding letter
// lower-cased ("b" or "q"). Only the words the header decoder reads count
// (mail::encoded_word_labels: a word with whitespace inside, an unknown
// encoding letter or bad base64 stays text, for header tests and here).
// A field without encoded words gives no value, so the test is false;
// :count counts the words:
//
//   if charset "subject" ["ks_c_5601-1987", "euc-kr", "gb2312", "big5"]
//   if charset :encoding :count "ge" :comparator "i;ascii-numeric" "subject" "3"
//
// The charset parameters of MIME parts need nothing new: RFC 5703's
// `header :mime :anychild :param "charset" "content-type"` compares them.
#include "ext/index/index.hpp"
#include "ext/relational/relational.hpp"

#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "mail/decode.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <string>
#include <string_view>

namespace sift::ext {
using namespace validate;

namespace {

constexpr std::uint64_t encoding_bit = vm::flag(vm::opcode::test_charset, "encoding");

// With :encoding and :is, a constant key that is no encoding letter can
// never match: surely a charset written where an encoding was meant.
void check_charset(checker& c, const binding& b) {
    core::check_header_names(c, b.list_arg(0));
    if (!b.has_tag("encoding") || b.match.type != vm::match_type::is) return;
    for (const auto& key : b.list_arg(1).items) {
        if (c.is_template(key.value)) continue;
        if (key.value.size() != 1 || (std::string_view("bBqQ").find(key.value[0]) == std::string_view::npos))
            c.error(key.pos,
                    "charset :encoding compares encoding letters (\"B\" or \"Q\", RFC 2047 §4), not '" +
                        std::string(key.value) + "'");
    }
}

}  // namespace

void register_charset(registry& r) {
    r.add(capability_def{"vnd.sift.charset"});
    r.add(tag_def{.name = "encoding", .capability = "vnd.sift.charset"});
    r.add(command_def{.name = "charset",
                      .is_test = true,
                      .capability = "vnd.sift.charset",
                      .positional = {arg_kind::string_list, arg_kind::string_list},
                      .tags = {"encoding", "comparator", "match-type"},
                      .check = check_charset,
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(vm::opcode::test_charset,
                                 {b.has_tag("encoding") ? encoding_bit : 0, std::uint64_t(b.match.cmp),
                                  vm::pack(b.match), e.list(b.list_arg(0)), e.list(b.list_arg(1))});
                      }});
    r.allow_tag("charset", "index", "index");
    r.allow_tag("charset", "last", "index");
}

}  // namespace sift::ext

namespace sift::vm {

void exec_test_charset(run_state& s, const instruction& ins) {
    const bool encoding = (ins.arg[0] & ext::encoding_bit) != 0;
    auto spec = s.match_spec_of(ins.arg[2], ins.arg[1]);
    auto index = ext::take_index(s);
    std::string name_buffer, unfolded;
    s.flag = false;
    for (auto name : s.list(ins.arg[3])) {
        s.flag =
            !ext::for_each_field(s, s.text(name, name_buffer), index, [&](const mail::header_field& field) {
                // An encoded word holds '?' ("=?charset?B?...?="), and
                // unfolding only takes line breaks out: a field without
                // one (most) has no word, and is not unfolded.
                if (field.value.find('?') == std::string_view::npos) return true;
                auto text = mail::message::unfold(field.value, unfolded);
                for (const auto& word : mail::encoded_word_labels(text)) {
                    std::string_view value = encoding ? std::string_view(&word.encoding, 1) : word.charset;
                    if (s.any_key(value, ins.arg[4], spec)) return false;
                }
                return true;
            });
        if (s.flag) return;
    }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[4], spec);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor charset_extension{.name = "charset", .add = register_charset};

}  // namespace sift::ext
