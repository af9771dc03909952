// Result -> JSON on nlohmann-json (ordered objects: fields print in the
// order README.md lists them). One function per action kind (one
// alternative of sift::action), so the mapping of each kind is read (and
// changed) in one place.
#include <sift/json.hpp>

#include <nlohmann/json.hpp>

namespace sift::json {
namespace {

using object = nlohmann::ordered_json;

object json_of(const keep_action& a) {
    return {{"action", "keep"}, {"mailbox", a.mailbox}, {"flags", a.flags}};
}

object json_of(const fileinto_action& a) {
    return {{"action", "fileinto"}, {"mailbox", a.mailbox}, {"flags", a.flags}};
}

object json_of(const redirect_action& a) {
    return {{"action", "redirect"}, {"address", a.address}};
}

object json_of(const reject_action& a) {  // reject, ereject
    object j{{"action", a.extended ? "ereject" : "reject"}, {"reason", a.reason}};
    if (a.smtp_code != 0) {  // :replycode (vnd.sift.replycode)
        j["smtp_code"] = a.smtp_code;
        j["enhanced_code"] = a.enhanced_code;
    }
    return j;
}

object json_of(const discard_action&) {
    return {{"action", "discard"}};
}

// What the frontend must send for vacation and notify.
object outgoing_json(const outgoing_message& m) {
    return {{"envelope_from", m.envelope_from}, {"recipients", m.recipients}, {"data", m.data}};
}

object fcc_json(const fcc_copy& f) {
    object j{{"mailbox", f.mailbox}, {"flags", f.flags}};
    if (!f.special_use.empty()) j["specialuse"] = f.special_use;
    if (!f.mailbox_id.empty()) j["mailboxid"] = f.mailbox_id;
    j["create"] = f.create;
    return j;
}

object json_of(const vacation_action& a) {
    object j{{"action", "vacation"}, {"recipient", a.recipient}, {"subject", a.subject}, {"body", a.body}};
    if (a.outgoing)
        j["message"] = outgoing_json(*a.outgoing);
    else
        j["not_sent"] = a.not_sent;  // why no reply goes out (already answered, a list, ...)
    return j;
}

object json_of(const notify_action& a) {
    object j{{"action", "notify"}, {"method", a.method}, {"subject", a.subject}, {"body", a.body}};
    if (a.outgoing)
        j["message"] = outgoing_json(*a.outgoing);
    else if (!a.not_sent.empty())
        j["not_sent"] = a.not_sent;  // an auto-submitted message (RFC 5436 §2.7)
    return j;
}

// The kind's own fields, then `copy`, the tags of fileinto and the :fcc
// of vacation and notify, then `implicit` and `line`.
object action_json(const action& any) {
    object j = std::visit([](const auto& a) { return json_of(a); }, any);
    const auto* f = std::get_if<fileinto_action>(&any);
    const auto* r = std::get_if<redirect_action>(&any);
    const auto* k = std::get_if<keep_action>(&any);
    j["copy"] = (f && f->copy) || (r && r->copy);
    if (f && f->create) j["create"] = true;
    if (f && !f->special_use.empty()) j["specialuse"] = f->special_use;
    if (f && !f->mailbox_id.empty()) j["mailboxid"] = f->mailbox_id;
    const std::optional<fcc_copy>* fcc = nullptr;
    if (const auto* v = std::get_if<vacation_action>(&any)) fcc = &v->fcc;
    if (const auto* n = std::get_if<notify_action>(&any)) fcc = &n->fcc;
    if (fcc && *fcc) j["fcc"] = fcc_json(**fcc);
    j["implicit"] = k && k->implicit;
    j["line"] = line(any);
    return j;
}

object verdict_json(const result& r) {
    const verdict& v = r.verdict;
    object j{{"kind", name(v.what)},
             {"folders", r.folders().to_vector()},
             {"redirects", r.redirects().to_vector()}};
    if (v.smtp_code != 0) {
        j["smtp_code"] = v.smtp_code;
        j["enhanced_code"] = v.enhanced_code;
        j["text"] = v.text;
    }
    return j;
}

object header_edit_json(const header_edit& e) {
    object j{{"edit", e.what == header_edit::kind::add ? "addheader" : "deleteheader"},
             {"name", e.name},
             {"value", e.value}};
    if (e.what == header_edit::kind::add)
        j["last"] = e.last;
    else
        j["occurrence"] = e.occurrence;
    return j;
}

object message_edit_json(const message_edit& e) {
    object j{{"edit", e.what == message_edit::kind::replace ? "replace" : "enclose"},
             {"line", e.line},
             {"after_header_edits", e.after_header_edits}};
    if (e.what == message_edit::kind::replace) j["whole_message"] = e.whole_message;
    return j;
}

object rewritten_json(const rewritten_message& m) {
    return {{"header", m.header()}, {"body", m.body()}};
}

// What the parse could not read as written (docs/MESSAGE.md).
object defect_json(const message_defect& d) {
    return {{"name", d.name}, {"detail", d.detail}};
}

object attachment_json(const attached_file& f) {
    return {{"name", f.name}, {"carrier", f.carrier}, {"path", f.path}, {"part", f.part}, {"depth", f.depth}};
}

// A thousandths value as a JSON number: 2.5, -1, 1000 (an integer when
// it is one; doubles print the shortest text that reads back the same).
object score_json(std::int64_t thousandths) {
    if (thousandths % 1000 == 0) return thousandths / 1000;
    return double(thousandths) / 1000;
}

// vnd.sift.score: one rule's hit.
object hit_json(const score_hit& h) {
    return {{"rule", h.rule},
            {"category", h.category},
            {"weight", score_json(h.weight)},
            {"script", h.script},
            {"line", h.line}};
}

// The categories' totals, as one object in the order of their first hits.
object scores_json(const std::vector<category_score>& scores) {
    object j = object::object();
    for (const auto& s : scores) j[s.category] = score_json(s.total);
    return j;
}

object diagnostic_json(const diagnostic& d) {
    object j{{"line", d.line}, {"column", d.column}, {"message", d.message}};
    // clang-style notes ("did you mean ...", "to match this '{'"), each
    // with its own position.
    if (!d.notes.empty()) {
        j["notes"] = object::array();
        for (const auto& n : d.notes) j["notes"].push_back(diagnostic_json(n));
    }
    return j;
}

template <class Items, class F>
object list(const Items& items, F to_json) {
    object out = object::array();
    for (const auto& x : items) out.push_back(to_json(x));
    return out;
}

// One line of valid UTF-8. nlohmann-json refuses (strict) or replaces
// invalid bytes but cannot say which it did, so a strict attempt comes
// first; only text with invalid bytes pays for a second pass.
std::string serialize(object& j) {
    try {
        return j.dump();
    } catch (const object::type_error&) {  // 316: invalid UTF-8 in a string
        j["invalid_utf8_replaced"] = true;
        return j.dump(-1, ' ', false, object::error_handler_t::replace);
    }
}

}  // namespace

std::string report(const script& s, const result* r) {
    object j;
    j["status"] = !s.ok() ? "compile_error" : r && !r->ok() ? "runtime_error" : "ok";
    j["actions"] = r ? list(r->actions, action_json) : object::array();
    j["errors"] = r ? object(r->errors) : object::array();
    j["defects"] = r ? list(r->defects, defect_json) : object::array();
    j["header_edits"] = r ? list(r->header_edits, header_edit_json) : object::array();
    // Added later: vnd.sift.attachment's files, when a test scanned them.
    if (r && !r->attachments.empty()) j["attachments"] = list(r->attachments, attachment_json);
    // replace / enclose (RFC 5703 §5-6): each change, then the new message.
    j["message_edits"] = r ? list(r->message_edits, message_edit_json) : object::array();
    if (r && r->message) j["message"] = rewritten_json(*r->message);
    if (r && r->redirect_message) j["redirect_message"] = rewritten_json(*r->redirect_message);
    j["compile_errors"] = list(s.errors(), diagnostic_json);
    // Added after the fields of the first contract. A lookup failure has
    // status "runtime_error", as it always had; `lookup_failed` tells it
    // apart, and the verdict says what to do with the message.
    if (r) j["lookup_failed"] = r->lookup_failed();
    if (r) j["verdict"] = verdict_json(*r);
    // A sequence (sift/sequence.hpp): the scripts that ran, and which one
    // made each action.
    if (r && !r->scripts.empty()) {
        j["scripts"] = r->scripts;
        std::size_t i = 0;
        for (const auto& a : r->actions) {
            auto n = std::visit([](const auto& x) { return x.script; }, a);
            j["actions"][i++]["script"] = n < r->scripts.size() ? r->scripts[n] : std::string();
        }
    }
    // vnd.sift.score: the totals and every hit (docs/EXTENSIONS.md).
    j["scores"] = r ? scores_json(r->scores) : object::object();
    j["hits"] = r ? list(r->hits, hit_json) : object::array();
    return serialize(j);
}

std::string quote(std::string_view text) {
    object j = std::string(text);
    return j.dump(-1, ' ', false, object::error_handler_t::replace);
}

std::string error_report(std::string_view status, std::string_view message) {
    object j;
    j["status"] = std::string(status);
    j["actions"] = object::array();
    j["errors"] = object::array({std::string(message)});
    j["defects"] = object::array();
    j["header_edits"] = object::array();
    j["message_edits"] = object::array();
    j["compile_errors"] = object::array();
    j["scores"] = object::object();
    j["hits"] = object::array();
    return serialize(j);
}

}  // namespace sift::json
