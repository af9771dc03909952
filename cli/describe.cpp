#include "describe.hpp"

namespace sift::cli {
namespace {

// A Sieve-like quoted string: `"` and `\` escaped, as a script writes
// them, and line ends as \r and \n so that one action stays on one line.
std::string sieve_quoted(std::string_view s) {
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
    for (std::size_t i = 0; i < fs.size(); ++i) out += (i ? " " : "") + sieve_quoted(fs[i]);
    return out;
}

// The tags fileinto (RFC 5490, 8579, 9042) and :fcc (RFC 8580) share.
std::string mailbox_tags(bool create, const std::string& special_use, const std::string& mailbox_id) {
    std::string out;
    if (create) out += " :create";
    if (!special_use.empty()) out += " :specialuse " + sieve_quoted(special_use);
    if (!mailbox_id.empty()) out += " :mailboxid " + sieve_quoted(mailbox_id);
    return out;
}

// What vacation and notify send, or why not.
template <class Sending>
std::string sending(const Sending& a) {
    if (!a.outgoing)
        return " not sent (" + (a.not_sent.empty() ? std::string("no recipient") : a.not_sent) + ")";
    std::string to;
    for (const auto& r : a.outgoing->recipients) to += (to.empty() ? "" : ", ") + ("<" + r + ">");
    std::string out = " to " + to + " " + sieve_quoted(a.subject);
    if (const auto& f = a.fcc)
        out += " :fcc " + sieve_quoted(f->mailbox) + flags(f->flags) +
               mailbox_tags(f->create, f->special_use, f->mailbox_id);
    return out;
}

std::string details(const keep_action& a) {
    return flags(a.flags) + (a.implicit ? " (implicit)" : "");
}
std::string details(const fileinto_action& a) {
    return " " + sieve_quoted(a.mailbox) + flags(a.flags) + (a.copy ? " :copy" : "") +
           mailbox_tags(a.create, a.special_use, a.mailbox_id);
}
std::string details(const redirect_action& a) {
    return " <" + a.address + ">" + (a.copy ? " :copy" : "");
}
std::string details(const reject_action& a) {
    if (a.smtp_code != 0)
        return " :replycode " + sieve_quoted(std::to_string(a.smtp_code) + " " + a.enhanced_code) + " " +
               sieve_quoted(a.reason);
    return " " + sieve_quoted(a.reason);
}
std::string details(const discard_action&) {
    return {};
}
std::string details(const vacation_action& a) {
    return sending(a);
}
std::string details(const notify_action& a) {
    return " " + a.method + sending(a);
}

}  // namespace

std::string describe(const action& a) {
    return std::string(name(a)) + std::visit([](const auto& x) { return details(x); }, a);
}

std::string describe(const header_edit& e) {
    if (e.what == header_edit::kind::add)
        return std::string("addheader") + (e.last ? " :last " : " ") + sieve_quoted(e.name + ":" + e.value);
    return "deleteheader " + sieve_quoted(e.name) + " (field " + std::to_string(e.occurrence) + ")";
}

std::string describe(const message_edit& e) {
    if (e.what == message_edit::kind::enclose) return "enclose";
    return e.whole_message ? "replace" : "replace (one MIME part)";
}

std::string describe(const score_hit& h) {
    return "score " + h.category + " " + (h.weight >= 0 ? "+" : "") + format_score(h.weight) + " " + h.rule +
           " (" + h.script + " line " + std::to_string(h.line) + ")";
}

std::string describe(const category_score& s) {
    return "score " + s.category + " = " + format_score(s.total);
}

std::string describe(const result& r) {
    std::string out;
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
    for (const auto& a : r.actions) add(describe(a));
    for (const auto& e : r.header_edits) add(describe(e));
    for (const auto& e : r.message_edits) add(describe(e));
    // What the parse could not read as written (docs/MESSAGE.md), as
    // `sift run` says it, without the detail.
    for (const auto& d : r.defects) add("defect " + d.name);
    for (const auto& s : r.scores) add(describe(s));
    if (!r.ok()) out += "  [runtime error: " + (r.errors.empty() ? std::string() : r.errors.front()) + "]";
    return out;
}

}  // namespace sift::cli
