#include "describe.hpp"

namespace sift::cli {
namespace {

// A Sieve-like quoted string: `"` and `\` escaped, as a script writes
// them, and line ends as \r and \n so that one action stays on one line.
std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '\r' || c == '\n') {
            out += c == '\r' ? "\\r" : "\\n";
            continue;
        }
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + '"';
}

std::string flags(const std::vector<std::string>& fs) {
    if (fs.empty()) return {};
    std::string out = " :flags ";
    for (std::size_t i = 0; i < fs.size(); ++i) out += (i ? " " : "") + quoted(fs[i]);
    return out;
}

// What vacation and notify send, or why not.
std::string sending(const action& a) {
    if (!a.outgoing) return " not sent (" + (a.reason.empty() ? std::string("no recipient") : a.reason) + ")";
    std::string to;
    for (const auto& r : a.outgoing->recipients) to += (to.empty() ? "" : ", ") + ("<" + r + ">");
    return " to " + to + " " + quoted(a.subject);
}

}  // namespace

std::string describe(const action& a) {
    std::string out(name(a.kind));
    switch (a.kind) {
        case action_kind::keep:
            out += flags(a.flags);
            break;
        case action_kind::fileinto:
            out += " " + quoted(a.mailbox) + flags(a.flags);
            break;
        case action_kind::redirect:
            out += " <" + a.address + ">";
            break;
        case action_kind::reject:
        case action_kind::ereject:
            out += " " + quoted(a.reason);
            break;
        case action_kind::discard:
            break;
        case action_kind::vacation:
            out += sending(a);
            break;
        case action_kind::notify:
            out += " " + a.recipient + sending(a);
            break;
    }
    if (a.copy) out += " :copy";
    if (a.create) out += " :create";
    if (!a.special_use.empty()) out += " :specialuse " + quoted(a.special_use);
    if (!a.mailbox_id.empty()) out += " :mailboxid " + quoted(a.mailbox_id);
    if (a.fcc) out += " :fcc " + quoted(a.fcc->mailbox) + flags(a.fcc->flags);
    if (a.implicit) out += " (implicit)";
    return out;
}

std::string describe(const header_edit& e) {
    if (e.what == header_edit::kind::add)
        return std::string("addheader") + (e.last ? " :last " : " ") + quoted(e.name + ":" + e.value);
    return "deleteheader " + quoted(e.name) + " (field " + std::to_string(e.occurrence) + ")";
}

std::string describe(const message_edit& e) {
    if (e.what == message_edit::kind::enclose) return "enclose";
    return e.whole_message ? "replace" : "replace (one MIME part)";
}

std::string describe(const result& r) {
    std::string out;
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
    for (const auto& a : r.actions) add(describe(a));
    for (const auto& e : r.header_edits) add(describe(e));
    for (const auto& e : r.message_edits) add(describe(e));
    if (!r.ok()) out += "  [runtime error: " + (r.errors.empty() ? std::string() : r.errors.front()) + "]";
    return out;
}

}  // namespace sift::cli
