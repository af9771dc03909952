// vnd.sift.replycode, Sift's own extension (docs/EXTENSIONS.md
// "vnd.sift.replycode"): the SMTP reply a refusal is sent with.
//
//   reject [":replycode" <code: string>] <reason: string>
//   ereject [":replycode" <code: string>] <reason: string>
//
// <code> is a reply code and an enhanced status code, one space apart:
// "554 5.7.0". A refusal is permanent (RFC 5429 §2.1.1), so the reply code
// is a 5yz of RFC 5321 §4.2.1 (y 0 to 5) and the enhanced code (RFC 3463
// §2) is of class 5, "5.<subject>.<detail>" with 1 to 3 digits each and
// no leading zero. Without the tag a refusal is 550 5.7.1, as before.
// A constant code that is wrong is a compile error at its literal; one
// from variables a runtime error when the reject runs.
//
// The tag is a prefix (mod_replycode) before the reject; its run slot
// completes the reject_action (smtp_code, enhanced_code), which the
// verdict and the JSON carry (sift::verdict).
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sift::ext {
using namespace validate;

namespace {

bool digits(std::string_view s, std::size_t min, std::size_t max) {
    if (s.size() < min || s.size() > max) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// "5.7.0"'s subject or detail: 1 to 3 digits, no leading zero but "0".
bool status_number(std::string_view s) {
    return digits(s, 1, 3) && (s.size() == 1 || s[0] != '0');
}

struct reply_code {
    int smtp = 0;
    std::string enhanced;
};

// "554 5.7.0" -> {554, "5.7.0"}; nullopt for anything else.
std::optional<reply_code> parse_reply_code(std::string_view text) {
    if (text.size() < 9 || text[3] != ' ') return std::nullopt;
    auto basic = text.substr(0, 3);
    if (!digits(basic, 3, 3) || basic[0] != '5' || basic[1] > '5') return std::nullopt;
    auto enhanced = text.substr(4);
    if (enhanced.substr(0, 2) != "5.") return std::nullopt;
    auto rest = enhanced.substr(2);
    auto dot = rest.find('.');
    if (dot == std::string_view::npos || !status_number(rest.substr(0, dot)) ||
        !status_number(rest.substr(dot + 1)))
        return std::nullopt;
    return reply_code{(basic[0] - '0') * 100 + (basic[1] - '0') * 10 + (basic[2] - '0'),
                      std::string(enhanced)};
}

const char* const code_form =
    "expected a 5xx SMTP reply code and a 5.x.x enhanced status code, such as \"554 5.7.0\"";

std::string shown(std::string_view text) {
    return "'" + std::string(text.substr(0, 40)) + (text.size() > 40 ? "...'" : "'");
}

const parse::ast::string_list& code_of(const binding& b) {
    return std::get<parse::ast::string_list>(*b.tag_value("replycode"));
}

void check_replycode(checker& c, binding& b) {
    const auto& code = code_of(b).items.front();
    if (!c.is_template(code.value) && !parse_reply_code(code.value))
        c.error(code.pos, "invalid reply code " + shown(code.value) + ": " + code_form);
}

}  // namespace

void register_replycode(registry& r) {
    r.add(capability_def{"vnd.sift.replycode"});
    r.add(tag_def{.name = "replycode",
                  .parameter = arg_kind::string,
                  .capability = "vnd.sift.replycode",
                  .check = check_replycode,
                  .emit = [](compile::emitter& e, const binding& b) {
                      e.emit(vm::opcode::mod_replycode, {e.string(code_of(b).items.front().value)});
                  }});
    r.allow_tag("reject", "replycode", "vnd.sift.replycode");
    r.allow_tag("ereject", "replycode", "vnd.sift.replycode");
}

namespace {

struct replycode_prefix final : vm::run_slot {
    std::optional<std::string> code;

    void complete_action(vm::run_state&, action& a, bool&) override {
        auto* refusal = std::get_if<reject_action>(&a);
        if (!refusal || !code) return;
        auto parsed = parse_reply_code(*code);
        if (!parsed) throw vm::runtime_error{"invalid reply code " + shown(*code) + ": " + code_form};
        refusal->smtp_code = parsed->smtp;
        refusal->enhanced_code = std::move(parsed->enhanced);
    }
    void drop_prefixes() override { code.reset(); }
};

}  // namespace

}  // namespace sift::ext

namespace sift::vm {

void exec_mod_replycode(run_state& s, const instruction& ins) {
    std::string buffer;
    s.slot<ext::replycode_prefix>().code = std::string(s.text(ins.arg[0], buffer));
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor replycode_extension{.name = "replycode", .add = register_replycode};

}  // namespace sift::ext
