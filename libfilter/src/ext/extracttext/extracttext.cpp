// RFC 5703 §7: extracttext [MODIFIER] [":first" number] <varname: string>
// Inside foreverypart only, with variables: stores the current part's
// text in a variable, as `set` would (RFC 5229 modifiers, size limit).
// The text is what a reader sees (ext/mime/content_state.hpp): a text/*
// part decoded to UTF-8, HTML reduced to its text; any other part, a
// multipart or message among them, gives "" (§7: only text is extracted).
// :first keeps that many characters (not octets) before the modifiers.
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/mime/content_state.hpp"
#include "ext/variables/variables.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <algorithm>

namespace sift::ext {
using namespace validate;

namespace {

void check_extracttext(checker& c, const binding& b) {
    const auto& name = b.list_arg(0).items.front();
    if (!c.required("variables"))
        c.error(b.pos, "extracttext needs the \"variables\" capability (require \"variables\";)");
    else if (!valid_variable_name(name.value))
        c.error(name.pos, "invalid variable name '" + std::string(name.value) + "'");
    auto around = c.enclosing();
    bool in_loop = std::any_of(around.begin(), around.end(), [](const binding& o) {
        return o.def->name == "foreverypart" && o.def->capability == "foreverypart";
    });
    if (!in_loop) c.error(b.pos, "extracttext is only allowed inside a foreverypart loop");
}

void emit_extracttext(compile::emitter& e, const binding& b) {
    const auto* first = b.tag_value("first");
    e.emit(vm::opcode::extract_text, {e.variable(b.string_arg(0)), modifier_flags(b), first ? 1u : 0u,
                                      first ? std::get<parse::ast::number>(*first).value : 0});
}

}  // namespace

void register_extracttext(registry& r) {
    r.add(capability_def{"extracttext"});
    r.add(tag_def{.name = "first", .parameter = arg_kind::number, .capability = "extracttext"});
    auto tags = modifier_tags();
    tags.push_back("first");
    r.add(command_def{.name = "extracttext",
                      .capability = "extracttext",
                      .positional = {arg_kind::string},
                      .tags = tags,
                      .check = check_extracttext,
                      .emit = emit_extracttext});
}

}  // namespace sift::ext

namespace sift::vm {

void exec_extract_text(run_state& s, const instruction& ins) {
    const auto* text = ext::display_text(s, ext::current_part(s));
    std::string value = text ? *text : std::string();
    if (ins.arg[2]) {
        std::size_t chars = 0, cut = 0;
        for (; cut < value.size(); ++cut) {
            bool starts = (static_cast<unsigned char>(value[cut]) & 0xC0) != 0x80;
            if (starts && chars++ == ins.arg[3]) break;
        }
        value.resize(cut);
    }
    ext::assign_variable(s, ins.arg[0], std::move(value), ins.arg[1]);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor extracttext_extension{.name = "extracttext", .add = register_extracttext};

}  // namespace sift::ext
