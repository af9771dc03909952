// vnd.dovecot.testsuite, runtime side. Semantics follow Pigeonhole's
// src/testsuite (read, not copied): one testsuite result that the main
// script and test_script_run both add to, an error log cleared by every
// compile / run / execute, a mail store whose mailboxes must exist (INBOX
// always does), and SMTP capture replaced by every test_result_execute.
#include "host.hpp"

#include "api/compile.hpp"
#include "ext/editheader/editheader.hpp"
#include "ext/imap4flags/imap4flags.hpp"
#include "ext/relational/relational.hpp"
#include "mail/address.hpp"
#include "mail/message.hpp"
#include "testsuite.hpp"
#include "vendor.hpp"
#include "vm/match.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace sift::conformance {
namespace {

constexpr const char* default_message =
    "From: sender@example.com\n"
    "To: recipient@example.com\n"
    "Subject: Frop!\n"
    "\n"
    "Friep!\n";

std::string trim(std::string s) {
    auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// An envelope address as the testsuite writes it: "a@b", "<a@b>" or "<>".
std::string envelope_address(std::string value) {
    value = trim(std::move(value));
    if (value.size() >= 2 && value.front() == '<' && value.back() == '>')
        value = value.substr(1, value.size() - 2);
    return value;
}

// The first address of header `name`, or "".
std::string header_address(const mail::message& m, std::string_view name) {
    const auto* field = m.first(name);
    if (!field) return {};
    auto list = mail::parse_address_list(mail::message::unfold(field->value));
    return list.empty() || !list.front().valid ? std::string() : list.front().all();
}

std::string read_file(const std::string& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    ok = bool(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A setting's value that is not what it must be is an error of the test
// that set it, reported as its failure, not an exception that ends the
// whole run (std::stoull on "" throws invalid_argument).
[[noreturn]] void bad_setting(const std::string& name, const std::string& value, const char* wanted) {
    throw vm::runtime_error{"test_config_reload: setting '" + name + "' = \"" + value + "\" is not " +
                            wanted};
}

// A number, with Dovecot's size units.
std::uint64_t parse_size(const std::string& name, const std::string& value) {
    auto const text = trim(value);
    std::uint64_t n = 0;
    auto const [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (error != std::errc{}) bad_setting(name, value, "a size (a number, perhaps with k, M or G)");
    auto const unit = trim(std::string(end, text.data() + text.size()));
    if (unit == "k" || unit == "K") return n * 1024;
    if (unit == "M") return n * 1024 * 1024;
    if (unit == "G") return n * 1024 * 1024 * 1024;
    if (!unit.empty()) bad_setting(name, value, "a size (a number, perhaps with k, M or G)");
    return n;
}

// Pigeonhole's action names, as test_result_action sees them.
std::string action_name(const action& a) {
    return std::holds_alternative<fileinto_action>(a) ? "store" : std::string(name(a));
}

// The mailbox and flags of a keep or fileinto; nullptr for other kinds.
const std::string* filed_mailbox(const action& a) {
    if (const auto* k = std::get_if<keep_action>(&a)) return &k->mailbox;
    if (const auto* f = std::get_if<fileinto_action>(&a)) return &f->mailbox;
    return nullptr;
}
std::vector<std::string>* filed_flags(action& a) {
    if (auto* k = std::get_if<keep_action>(&a)) return &k->flags;
    if (auto* f = std::get_if<fileinto_action>(&a)) return &f->flags;
    return nullptr;
}

std::string crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
        out += text[i];
    }
    return out;
}

std::string line_ending(std::string_view raw) {
    return raw.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
}

// IMAP names INBOX case-insensitively, also as the root of a hierarchy
// ("Inbox.Junk" is "INBOX.Junk" with the "." separator the suite uses).
std::string canonical_mailbox(std::string name) {
    if (vm::equal(std::string_view(name).substr(0, 5), "INBOX", vm::comparator::ascii_casemap) &&
        (name.size() == 5 || name[5] == '.'))
        name.replace(0, 5, "INBOX");
    return name;
}

// Why the test mail store refuses a mailbox name, or "" when it takes it.
// Pigeonhole's testsuite store is a Maildir++ one (hierarchy separator
// "."), where Dovecot refuses "/" in a name and an empty hierarchy level.
std::string invalid_mailbox_name(std::string_view name) {
    if (name.find('/') != std::string_view::npos) return "Name must not have '/' characters";
    if (name.empty() || name.front() == '.' || name.back() == '.' ||
        name.find("..") != std::string_view::npos)
        return "Name has an empty hierarchy level";
    return {};
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The message as a run left it: what replace/enclose made of it
// (result::message), else `m` with result::header_edits applied, as a
// frontend applies them.
std::string edited_message(const mail::message& m, const result& r) {
    if (r.message) return r.message->data;
    if (r.header_edits.empty()) return std::string(m.raw());
    struct field {
        std::string name, value;
        unsigned original;  // its place among the fields of its name; 0: added
    };
    std::vector<field> fields;
    std::map<std::string, unsigned> seen;
    for (const auto& h : m.headers())
        fields.push_back({std::string(h.name), std::string(h.value), ++seen[lower(h.name)]});
    for (const auto& e : r.header_edits) {
        if (e.what == header_edit::kind::add) {
            field f{e.name, e.value, 0};
            fields.insert(e.last ? fields.end() : fields.begin(), std::move(f));
            continue;
        }
        auto it = std::find_if(fields.begin(), fields.end(), [&](const field& f) {
            return lower(f.name) == lower(e.name) && f.original == e.occurrence &&
                   (e.occurrence != 0 || f.value == e.value);
        });
        if (it != fields.end()) fields.erase(it);
    }
    auto eol = line_ending(m.raw());
    std::string out;
    for (const auto& f : fields) out += f.name + ":" + f.value + eol;
    out += eol;
    out += m.body();
    return out;
}

// Dovecot's mail_attachment_detection_options = add-flags, as the suite's
// configuration has it: the store marks each message $HasAttachment or
// $HasNoAttachment.
std::string attachment_flag(const std::string& raw) {
    auto m = mail::message::parse(raw);
    std::vector<const mail::mime_part*> parts{&m.mime()};
    while (!parts.empty()) {
        const auto* p = parts.back();
        parts.pop_back();
        if (p->disposition == "attachment") return "$HasAttachment";
        for (const auto& c : p->children) parts.push_back(&c);
    }
    return "$HasNoAttachment";
}

bool same_mailbox(const std::string& a, const std::string& b) {
    return canonical_mailbox(a) == canonical_mailbox(b);
}

}  // namespace

testsuite_host::testsuite_host(std::string dir) : dir_(std::move(dir)) {
    set("message", default_message);
    mailboxes_["INBOX"];
    // Pigeonhole's testsuite runs as a mail store's filter (RFC 5183
    // §4.1 location "MS").
    client_.location = "MS";
    client_.items = dovecot_environment();
}

bool testsuite_host::store_view::exists(std::string_view mailbox) const {
    return h_.mailboxes_.count(canonical_mailbox(std::string(mailbox))) > 0;
}

std::optional<std::string> testsuite_host::store_view::metadata(std::string_view mailbox,
                                                                std::string_view entry) const {
    auto it = h_.metadata_.find({canonical_mailbox(std::string(mailbox)), std::string(entry)});
    return it == h_.metadata_.end() ? std::nullopt : std::optional(it->second);
}

std::optional<std::string> testsuite_host::store_view::server_metadata(std::string_view entry) const {
    auto it = h_.metadata_.find({"", std::string(entry)});
    return it == h_.metadata_.end() ? std::nullopt : std::optional(it->second);
}

std::vector<std::string> testsuite_host::strings(const vm::run_state& s, std::uint64_t list) const {
    std::vector<std::string> out;
    std::string buffer;
    for (auto id : s.list(list)) out.emplace_back(s.text(id, buffer));
    return out;
}

std::vector<action> testsuite_host::actions(const vm::run_state& s) const {
    auto all = s.actions();
    all.insert(all.end(), sub_actions_.begin(), sub_actions_.end());
    return all;
}

// test_set: the message (which also resets the envelope, as Pigeonhole
// derives it: the sender from Return-Path, Sender or From, the recipient
// from Envelope-To or To) or one envelope part.
void testsuite_host::set(const std::string& name, const std::string& value) {
    if (name == "message") {
        // As delivered over SMTP (and as Pigeonhole's raw mail storage has
        // it): CRLF line endings, which the size test counts.
        internal::model(message_) = mail::message::parse(crlf(value));
        auto from = header_address(internal::model(message_), "Return-Path");
        if (from.empty()) from = header_address(internal::model(message_), "Sender");
        if (from.empty()) from = header_address(internal::model(message_), "From");
        auto to = header_address(internal::model(message_), "Envelope-To");
        if (to.empty()) to = header_address(internal::model(message_), "To");
        env_.from = from.empty() ? "sender@example.com" : from;
        env_.to = to.empty() ? "recipient@example.com" : to;
        env_.orig_to = env_.to;
        env_.auth.clear();
    } else if (name == "envelope.from") {
        env_.from = envelope_address(value);
    } else if (name == "envelope.to") {
        env_.to = envelope_address(value);
    } else if (name == "envelope.orig_to") {
        env_.orig_to = envelope_address(value);
    } else if (name == "envelope.auth") {
        env_.auth = trim(value);
    } else {
        throw vm::runtime_error{"test_set: unknown object '" + name + "'"};
    }
}

// Pigeonhole setting names mapped onto Sift's limits; the ones the host
// itself reads are known too; everything else is reported.
void testsuite_host::reload_settings() {
    limits_ = eval_limits{};
    compile_limits_ = compile_limits{.run = &limits_};  // compile checks read the run's limits
    for (const auto& [name, value] : settings_) {
        if (name == "sieve_variables_max_variable_size" || name == "sieve_variables_max_value_size")
            limits_.max_variable_size = parse_size(name, value);
        else if (name == "sieve_max_actions")
            limits_.max_actions = unsigned(parse_size(name, value));
        else if (name == "sieve_notify_max_notifications")
            limits_.max_notifications = unsigned(parse_size(name, value));
        else if (name == "sieve_max_redirects")
            limits_.max_redirects = unsigned(parse_size(name, value));
        else if (name == "sieve_max_script_size")
            compile_limits_.max_script_bytes = parse_size(name, value);
        else if (name == "sieve_include_max_includes")
            compile_limits_.max_includes = unsigned(parse_size(name, value));
        else if (name == "sieve_include_max_nesting_depth")
            compile_limits_.max_include_depth = unsigned(parse_size(name, value));
        else if (name == "recipient_delimiter")
            limits_.recipient_delimiters = value;
        else if (name == "sieve_editheader_max_header_size")
            limits_.editheader_max_header_size = parse_size(name, value);
        else if (name.rfind("sieve_editheader_header/", 0) == 0)
            editheader_setting(name, value);
        else if (name == "sieve_editheader_header")
            continue;  // the list of names; each name's own settings follow
        else if (name != "sieve_redirect_envelope_from" && name != "sieve_user_email" &&
                 !extension_setting(name))
            outcome_.unknown_settings.insert(name);
    }
    configure_extensions();
}

// "sieve_editheader_header/<key>/forbid_add|forbid_delete" = "yes", in
// effect only while <key> is in the list "sieve_editheader_header" (a
// later list drops the keys it no longer names); the field is
// ".../<key>/name", else the key.
void testsuite_host::editheader_setting(const std::string& name, const std::string& value) {
    auto rest = name.substr(std::string("sieve_editheader_header/").size());
    auto slash = rest.find('/');
    if (slash == std::string::npos) return;
    auto key = rest.substr(0, slash), what = rest.substr(slash + 1);
    if (value != "yes") return;
    auto list = settings_.find("sieve_editheader_header");
    std::istringstream keys(list == settings_.end() ? std::string() : list->second);
    bool listed = false;
    for (std::string k; keys >> k;) listed = listed || k == key;
    if (!listed) return;
    auto named = settings_.find("sieve_editheader_header/" + key + "/name");
    auto field = named == settings_.end() ? key : trim(named->second);
    if (what == "forbid_add") limits_.editheader_forbid_add.push_back(field);
    if (what == "forbid_delete") limits_.editheader_forbid_delete.push_back(field);
}

// The message as delivered: with editheader's edits applied (RFC 5293
// §5) and what replace/enclose made of it (RFC 5703 §5-6).
std::string testsuite_host::delivered_message(const vm::run_state& s) const {
    return ext::delivered(s);
}

// A new message or a reset result starts from the unedited message, and
// nothing cached from the previous message's MIME parts may survive it.
void testsuite_host::forget_header_edits(vm::run_state& s) {
    s.forget_message_changes();
}

// spamtest/virustest (RFC 5235), extlists (RFC 6134), enotify and the
// vacation settings run_options::vacation has.
bool testsuite_host::extension_setting(const std::string& name) {
    for (std::string_view prefix :
         {"sieve_spamtest_", "sieve_virustest_", "sieve_extlists_list", "sieve_environment/"})
        if (name.rfind(prefix, 0) == 0) return true;
    for (std::string_view known :
         {"sieve_notify_mailto_envelope_from", "sieve_vacation_min_period", "sieve_vacation_max_period",
          "sieve_vacation_default_period", "sieve_vacation_use_original_recipient",
          "sieve_vacation_check_recipient", "sieve_vacation_default_subject",
          "sieve_vacation_default_subject_template", "sieve_vacation_to_header_ignore_envelope",
          "sieve_vacation_send_from_recipient"})
        if (name == known) return true;
    return false;
}

namespace {

// Pigeonhole's dict "file" format: key line, value line; the key of a
// list entry is "priv/sieve/extlists/<entry>".
class dict_lists final : public list_provider {
public:
    std::map<std::string, std::set<std::string>> lists;

    bool valid(std::string_view list) const override { return lists.count(std::string(list)) > 0; }
    bool contains(std::string_view list, std::string_view value) const override {
        auto it = lists.find(std::string(list));
        return it != lists.end() && it->second.count(lower(std::string(value))) > 0;
    }
    std::vector<std::string> members(std::string_view list) const override {
        auto it = lists.find(std::string(list));
        return it == lists.end() ? std::vector<std::string>{}
                                 : std::vector<std::string>(it->second.begin(), it->second.end());
    }

    static std::string lower(std::string s) {
        for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
};

// A Dovecot time setting: a number with an optional unit (seconds when
// none).
std::chrono::seconds duration(const std::string& name, const std::string& value) {
    static const std::map<std::string, std::uint64_t> units{
        {"", 1},         {"s", 1},      {"sec", 1},       {"secs", 1},      {"m", 60},    {"min", 60},
        {"mins", 60},    {"h", 3600},   {"hour", 3600},   {"hours", 3600},  {"d", 86400}, {"day", 86400},
        {"days", 86400}, {"w", 604800}, {"week", 604800}, {"weeks", 604800}};
    auto const text = trim(value);
    std::uint64_t n = 0;
    auto const [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
    auto const unit = units.find(trim(std::string(end, text.data() + text.size())));
    if (error != std::errc{} || unit == units.end()) bad_setting(name, value, "a time (a number and a unit)");
    return std::chrono::seconds(n * unit->second);
}

}  // namespace

void testsuite_host::configure_extensions() {
    auto get = [&](const std::string& name) -> std::optional<std::string> {
        auto it = settings_.find(name);
        return it == settings_.end() ? std::nullopt : std::optional(trim(it->second));
    };
    for (auto [source, ext] :
         {std::pair{&options_.spamtest, "spamtest"}, {&options_.virustest, "virustest"}}) {
        auto prefix = std::string("sieve_") + ext + "_";
        *source = score_source{};
        source->status_header = get(prefix + "status_header").value_or("");
        auto type = get(prefix + "status_type").value_or("score");
        source->type = type == "strlen" ? score_source::kind::strlen
                       : type == "text" ? score_source::kind::text
                                        : score_source::kind::score;
        source->max_header =
            get(prefix + "score_max_header").value_or(get(prefix + "max_header").value_or(""));
        auto max = get(prefix + "score_max_value").value_or(get(prefix + "max_value").value_or(""));
        source->max_value = max.empty() ? 0 : std::atof(max.c_str());
        for (unsigned i = 0; i < source->text_values.size(); ++i)
            source->text_values[i] =
                get(prefix + "text_value/" + std::to_string(i))
                    .value_or(get(prefix + "text_value" + std::to_string(i)).value_or(""));
    }
    auto& vacation = options_.vacation;
    vacation = vacation_options{};
    if (auto v = get("sieve_vacation_min_period"))
        vacation.min_period = duration("sieve_vacation_min_period", *v);
    if (auto v = get("sieve_vacation_max_period"))
        vacation.max_period = duration("sieve_vacation_max_period", *v);
    if (auto v = get("sieve_vacation_default_period"))
        vacation.default_period = duration("sieve_vacation_default_period", *v);
    vacation.use_original_recipient = get("sieve_vacation_use_original_recipient") == "yes";
    vacation.check_recipient = get("sieve_vacation_check_recipient") != "no";
    vacation.default_subject = get("sieve_vacation_default_subject").value_or("");
    vacation.subject_template = get("sieve_vacation_default_subject_template").value_or("");
    vacation.to_header_ignore_envelope = get("sieve_vacation_to_header_ignore_envelope") == "yes";
    vacation.send_from_recipient = get("sieve_vacation_send_from_recipient") == "yes";
    if (auto user = get("sieve_user_email")) vacation.user_addresses = {*user};
    // vnd.dovecot.environment: its fixed items and "vnd.dovecot.config.X"
    // for each "sieve_environment/X" setting.
    client_.items = dovecot_environment();
    for (const auto& [name, value] : settings_)
        if (name.rfind("sieve_environment/", 0) == 0)
            client_.items.emplace_back("vnd.dovecot.config." + name.substr(18), trim(value));
    auto lists = std::make_unique<dict_lists>();
    std::istringstream names(get("sieve_extlists_list").value_or(""));
    for (std::string name; names >> name;) {
        auto& entries = lists->lists[name];
        auto path = get("sieve_extlists_list/" + name + "/dict/file/path");
        if (!path) continue;
        std::ifstream in(*path);
        std::string key, value;
        while (std::getline(in, key) && std::getline(in, value)) {
            auto slash = key.rfind('/');
            entries.insert(dict_lists::lower(key.substr(slash == std::string::npos ? 0 : slash + 1)));
        }
    }
    lists_ = std::move(lists);
    services_.set_lists(lists_.get());
}

// The selected message becomes the current one; a stored message brings
// its flags into imap4flags' internal variable (as a message an IMAP
// client filters, RFC 6785), one from SMTP has none.
bool testsuite_host::select_message(vm::run_state& s, const std::vector<std::string>& args,
                                    std::uint64_t index) {
    const mail_item* item = nullptr;
    mail_item stored;
    std::vector<std::string> flags;
    if (args.at(0) == "smtp") {
        if (index < smtp_.size()) item = &smtp_[index];
    } else {
        auto box = mailboxes_.find(canonical_mailbox(args.at(1)));
        if (box != mailboxes_.end() && index < box->second.size()) {
            stored.raw = box->second[index].raw;
            stored.env = env_;
            flags = box->second[index].flags;
            item = &stored;
        }
    }
    if (!item) return false;
    auto raw = item->raw;
    auto env = item->env;
    internal::model(message_) = mail::message::parse(std::move(raw));
    env_ = env;
    ext::set_internal_flags(s, flags);  // imap4flags' internal variable (RFC 5232 §3)
    return true;
}

bool testsuite_host::compile_script(const std::string& path) {
    log_.clear();
    bool ok = false;
    auto source = read_file(dir_ + "/" + path, ok);
    if (!ok) {
        log_.push_back("failed to open script '" + path + "'");
        return false;
    }
    auto c = api::compile(source, path, testsuite_registry(), compile_limits_, scripts());
    if (!c.ok()) {
        for (const auto& d : c.errors) log_.push_back(d.message);
        // Pigeonhole ends a failed compile with one summary error more.
        log_.push_back("script '" + path + "' failed to compile");
        return false;
    }
    compiled_ = std::move(c.program);
    return true;
}

// `edited`, when given, receives the message as the script left it
// (editheader, replace, enclose).
// The explicit actions of a run, taken out of `r`; its implicit keep (and
// the flags it stores) becomes the testsuite result's, which keeps the
// message implicitly only while every run so far did.
std::vector<action> testsuite_host::explicit_actions(sift::result& r) {
    std::vector<action> added;
    bool implicit = false;
    for (auto& a : r.actions) {
        const auto* keep = std::get_if<keep_action>(&a);
        if (!keep || !keep->implicit) {
            added.push_back(std::move(a));
            continue;
        }
        implicit = true;
        sub_implicit_flags_ = keep->flags;
    }
    if (!sub_implicit_flags_) sub_implicit_flags_.emplace();
    sub_implicit_keep_ = sub_implicit_keep_ && implicit;
    return added;
}

bool testsuite_host::run_script(vm::run_state& s, bool append, std::string* edited) {
    log_.clear();
    if (!compiled_) {
        log_.push_back("no script compiled yet");
        return false;
    }
    if (!append) forget_result(s);
    auto r = vm::run(*compiled_, internal::model(message_), env_, options_, this, client());
    for (const auto& e : r.errors) log_.push_back(e);
    if (!r.ok()) return false;
    auto added = explicit_actions(r);
    if (edited) *edited = edited_message(internal::model(message_), r);
    return append_actions(s, std::move(added));
}

// The actions of a script added to the testsuite result, with the rules
// Pigeonhole's result applies between scripts: a second delivery into a
// mailbox is dropped (a keep turns the earlier one into a keep), with its
// flags kept; a second redirect to an address or discard is dropped; a
// reject after one executed earlier is dropped, and one conflicts with a
// delivery only while neither was executed (an executed action is done:
// nothing later undoes it).
bool testsuite_host::append_actions(vm::run_state& s, std::vector<action> added) {
    auto main_count = s.actions().size();
    auto is_reject = [](const action& a) { return std::holds_alternative<reject_action>(a); };
    auto delivers = [](const action& a) {
        return filed_mailbox(a) || std::holds_alternative<redirect_action>(a);
    };
    for (auto& a : added) {
        auto all = actions(s);
        bool drop = false;
        for (std::size_t i = 0; i < all.size() && !drop; ++i) {
            const auto& o = all[i];
            bool executed = i < executed_;
            auto* mine = i >= main_count ? &sub_actions_[i - main_count] : nullptr;
            const auto* redirect = std::get_if<redirect_action>(&a);
            const auto* other_redirect = std::get_if<redirect_action>(&o);
            if (filed_mailbox(a) && filed_mailbox(o) && same_mailbox(*filed_mailbox(a), *filed_mailbox(o))) {
                auto flags = *filed_flags(a);
                if (mine && std::holds_alternative<keep_action>(a))
                    *mine = keep_action{.mailbox = *filed_mailbox(*mine), .line = line(*mine)};
                if (mine) *filed_flags(*mine) = std::move(flags);
                drop = true;
            } else if (redirect && other_redirect) {
                drop = lower(redirect->address) == lower(other_redirect->address);
            } else if (std::holds_alternative<discard_action>(a) &&
                       std::holds_alternative<discard_action>(o)) {
                drop = true;
            } else if (is_reject(a) && is_reject(o)) {
                if (!executed) {
                    log_.push_back("duplicate reject/ereject action not allowed");
                    return false;
                }
                drop = true;
            } else if (!executed && ((is_reject(a) && delivers(o)) || (delivers(a) && is_reject(o)))) {
                log_.push_back("reject/ereject action conflicts with the " +
                               action_name(is_reject(a) ? o : a) + " action");
                return false;
            }
        }
        if (!drop) sub_actions_.push_back(std::move(a));
    }
    return true;
}

void testsuite_host::forget_result(vm::run_state& s) {
    s.reset_result();
    sub_actions_.clear();
    sub_implicit_keep_ = true;
    sub_implicit_flags_.reset();
    executed_ = 0;
}

// The scripts run as one sequence in the VM (vm::run over their programs,
// sift/sequence.hpp: each while the implicit keep stands, imap4flags'
// internal flags and the message's edits carrying over, as Pigeonhole's
// multiscript has it); then the combined result is executed on the
// message as the scripts left it. The test's message is left as it was.
bool testsuite_host::multiscript(vm::run_state& s, const std::vector<std::string>& paths) {
    forget_result(s);
    std::vector<std::shared_ptr<const vm::program>> held;
    std::vector<const vm::program*> programs;
    for (const auto& path : paths) {
        if (!compile_script(path)) return false;
        held.push_back(compiled_);
        programs.push_back(compiled_.get());
    }
    if (programs.empty()) return true;
    auto r = vm::run(programs, internal::model(message_), env_, options_, this, client());
    std::vector<std::string> errors(r.errors.begin(), r.errors.end());
    if (!r.ok()) {
        log_ = errors;
        return false;
    }
    auto added = explicit_actions(r);  // forget_result above: the implicit keep stood until now
    const std::string original(internal::model(message_).raw());
    std::string edited = edited_message(internal::model(message_), r);
    bool carried = edited != original;
    if (carried) {
        internal::model(message_) = mail::message::parse(std::move(edited));
        forget_header_edits(s);  // nothing cached from the message before
    }
    bool ok = append_actions(s, std::move(added)) && execute(s, &original);
    errors.insert(errors.end(), log_.begin(), log_.end());
    log_ = errors;
    if (carried) {
        internal::model(message_) = mail::message::parse(std::string(original));
        forget_header_edits(s);
    }
    return ok;
}

bool testsuite_host::store(const std::string& mailbox, const std::string& raw,
                           std::vector<std::string> flags) {
    if (auto why = invalid_mailbox_name(mailbox); !why.empty()) {
        log_.push_back("failed to store into mailbox '" + mailbox + "': Invalid mailbox name: " + why);
        return false;
    }
    auto box = mailboxes_.find(canonical_mailbox(mailbox));
    if (box == mailboxes_.end()) {
        log_.push_back("failed to store into mailbox '" + mailbox + "': Mailbox doesn't exist: " + mailbox);
        return false;
    }
    flags.push_back(attachment_flag(raw));
    box->second.push_back({raw, std::move(flags)});
    return true;
}

// sieve_redirect_envelope_from: sender (default), recipient,
// orig_recipient, user_email, postmaster or an explicit <address>; the
// null sender is never replaced.
std::string testsuite_host::redirect_sender() const {
    if (env_.from.empty()) return {};
    auto it = settings_.find("sieve_redirect_envelope_from");
    auto how = it == settings_.end() ? std::string("sender") : trim(it->second);
    if (how == "recipient") return env_.to;
    if (how == "orig_recipient") return env_.orig_to.empty() ? env_.to : env_.orig_to;
    if (how == "user_email") return user_email();
    if (how == "postmaster") return "postmaster@example.com";
    if (!how.empty() && how.front() == '<') return envelope_address(how);
    return env_.from;
}

// sieve_notify_mailto_envelope_from as Pigeonhole: by default the :from
// address, else postmaster; never a sender for a message that had none.
std::string testsuite_host::notify_sender(const notify_action& a) const {
    if (env_.from.empty()) return {};
    auto it = settings_.find("sieve_notify_mailto_envelope_from");
    auto how = it == settings_.end() ? std::string() : trim(it->second);
    if (how == "sender") return env_.from;
    if (how == "recipient") return env_.to;
    if (how == "orig_recipient") return env_.orig_to.empty() ? env_.to : env_.orig_to;
    if (how == "user_email") return user_email();
    if (how == "postmaster") return "postmaster@example.com";
    if (!how.empty() && how.front() == '<') return envelope_address(how);
    return a.from.empty() ? "postmaster@example.com" : a.from;
}

std::string testsuite_host::user_email() const {
    auto user = settings_.find("sieve_user_email");
    return user == settings_.end() ? env_.to : trim(user->second);
}

// A message that already passed through this user's redirect (its
// X-Sieve-Redirected-From names the user or the final recipient) is not
// redirected again; the action still succeeds.
bool testsuite_host::redirect_loops() const {
    bool loop = false;
    internal::model(message_).for_each("X-Sieve-Redirected-From", [&](const mail::header_field& field) {
        auto list = mail::parse_address_list(mail::message::unfold(field.value));
        for (const auto& a : list)
            if (vm::equal(a.all(), user_email(), vm::comparator::ascii_casemap) ||
                vm::equal(a.all(), env_.to, vm::comparator::ascii_casemap))
                loop = true;
    });
    return loop;
}

std::string testsuite_host::reject_notice(const std::string& reason, const std::string& eol) const {
    return "From: Postmaster <postmaster@example.com>" + eol + "To: <" + env_.from + ">" + eol +
           "Subject: Automatically rejected mail" + eol + "Auto-Submitted: auto-replied (rejected)" + eol +
           eol + "Your message to <" + env_.to + "> was automatically rejected:" + eol + reason + eol;
}

void testsuite_host::send(const std::string& to, const std::string& raw) {
    smtp_.push_back(mail_item{raw, envelope{redirect_sender(), to, {}, {}}});
}

// Executes the result. When an action fails and the message was not
// filed into INBOX, the message as it came (`original`, else the current
// one without the script's edits) is kept there, as RFC 5228 §2.10.6 and
// RFC 5293 §7 ask of a failed delivery.
bool testsuite_host::execute(vm::run_state& s, const std::string* original) {
    log_.clear();
    smtp_.clear();
    auto raw = delivered_message(s);
    auto eol = line_ending(raw);
    bool ok = true, inbox = false;
    auto all = actions(s);
    for (const auto& any : all) {
        if (const auto* a = std::get_if<keep_action>(&any)) {
            ok = store("INBOX", raw, a->flags) && ok;
            inbox = true;
        } else if (const auto* a = std::get_if<fileinto_action>(&any)) {
            if (a->create && invalid_mailbox_name(a->mailbox).empty())
                mailboxes_[canonical_mailbox(a->mailbox)];  // RFC 5490 :create
            ok = store(a->mailbox, raw, a->flags) && ok;
            inbox = inbox || same_mailbox(a->mailbox, "INBOX");
        } else if (const auto* a = std::get_if<redirect_action>(&any)) {
            if (!redirect_loops()) send(a->address, "X-Sieve-Redirected-From: " + user_email() + eol + raw);
        } else if (const auto* a = std::get_if<reject_action>(&any)) {
            // RFC 5429 §2.1: a rejection goes to the envelope sender, from
            // the null sender, never to the null sender.
            if (!env_.from.empty())
                smtp_.push_back(mail_item{reject_notice(a->reason, eol), envelope{{}, env_.from, {}, {}}});
        } else if (const auto* a = std::get_if<vacation_action>(&any); a && a->outgoing) {
            for (const auto& to : a->outgoing->recipients)
                smtp_.push_back(
                    mail_item{a->outgoing->data, envelope{a->outgoing->envelope_from, to, {}, {}}});
        } else if (const auto* a = std::get_if<notify_action>(&any); a && a->outgoing) {
            for (const auto& to : a->outgoing->recipients)
                smtp_.push_back(mail_item{a->outgoing->data, envelope{notify_sender(*a), to, {}, {}}});
        }
        // discard: nothing to do
    }
    executed_ = all.size();
    if (implicit_keep(s)) {
        ok = store("INBOX", raw, sub_implicit_flags_ ? *sub_implicit_flags_ : ext::internal_flags(s)) && ok;
        inbox = true;
    }
    if (!ok && !inbox) store("INBOX", original ? *original : std::string(internal::model(message_).raw()));
    return ok;
}

bool testsuite_host::match_values(vm::run_state& s, const std::vector<std::string>& values,
                                  const vm::instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[4], ins.arg[3]);
    for (const auto& v : values)
        if (s.any_key(v, ins.arg[1], spec)) return true;
    return spec.type == ext::match_count && ext::count_matches(s, ins.arg[1], spec);
}

// test_error checks the number of errors (with :count) exactly; a check of
// Pigeonhole's wording that Sift's own message does not satisfy is not
// reproduced: it is counted and passes when the error it names exists.
bool testsuite_host::test_error(vm::run_state& s, const vm::instruction& ins) {
    auto index = ins.arg[2];
    std::vector<std::string> values;
    if (index == 0)
        values = log_;
    else if (index <= log_.size())
        values.push_back(log_[index - 1]);
    if (match_values(s, values, ins)) return true;
    auto spec = s.match_spec_of(ins.arg[4], ins.arg[3]);
    if (spec.type_ops && spec.type_ops->relational) return false;
    ++outcome_.wording_checks_skipped;
    return !values.empty();
}

void testsuite_host::call(vm::run_state& s, const vm::instruction& ins) {
    auto args = strings(s, ins.arg[1]);
    auto arg = [&](std::size_t i) -> const std::string& {
        if (i >= args.size()) throw vm::runtime_error{"testsuite operation is missing an argument"};
        return args[i];
    };
    switch (static_cast<op>(ins.arg[0])) {
        case op::test_start:
            current_test_ = arg(0);
            break;
        case op::test_finish:
            ++outcome_.tests_passed;
            current_test_.clear();
            break;
        case op::fail:
            outcome_.failures.push_back(
                (current_test_.empty() ? std::string("top level") : "test '" + current_test_ + "'") + ": " +
                arg(0));
            current_test_.clear();
            break;
        case op::set:
            set(arg(0), arg(1));
            if (arg(0) == "message") {
                forget_header_edits(s);
                ext::set_internal_flags(s, {});  // a new message has no flags yet
            }
            break;
        case op::config_set:
            settings_[arg(0)] = arg(1);
            break;
        case op::config_unset:
            settings_.erase(arg(0));
            break;
        case op::config_reload:
            reload_settings();
            break;
        case op::message: {
            bool is_test = ins.arg[2] >> 32;
            s.flag = select_message(s, args, ins.arg[2] & 0xFFFFFFFF);
            if (s.flag) forget_header_edits(s);  // the selected message is the current one now
            if (!s.flag && !is_test)
                throw vm::runtime_error{"test_message: no " + arg(0) + " message with index " +
                                        std::to_string(ins.arg[2] & 0xFFFFFFFF)};
            break;
        }
        case op::mailbox_create:
            mailboxes_[canonical_mailbox(arg(0))];
            break;
        case op::mailbox_delete:
            mailboxes_.erase(canonical_mailbox(arg(0)));
            break;
        case op::script_compile:
            s.flag = compile_script(arg(0));
            break;
        case op::script_run:
            s.flag = run_script(s, ins.arg[2] != 0);
            break;
        case op::multiscript:
            s.flag = multiscript(s, args);
            break;
        case op::result_action: {
            auto all = actions(s);
            std::vector<std::string> names;
            for (std::size_t i = 0; i < all.size(); ++i)
                if (ins.arg[2] == 0 || ins.arg[2] == i + 1) names.push_back(action_name(all[i]));
            s.flag = match_values(s, names, ins);
            break;
        }
        case op::result_execute:
            s.flag = execute(s);
            break;
        case op::result_reset:
            forget_result(s);
            forget_header_edits(s);
            // Pigeonhole's testsuite remembers no vacation replies across a
            // result reset: start the memory store afresh.
            state_ = memory_store();
            services_.set_state(state_.get());
            break;
        case op::result_print:
            for (const auto& a : actions(s)) std::cerr << "  result: " << action_name(a) << "\n";
            break;
        case op::error:
            s.flag = test_error(s, ins);
            break;
        case op::binary_save:
            if (!compiled_) throw vm::runtime_error{"test_binary_save: no script compiled"};
            binaries_[arg(0)] = vm::serialize(*compiled_);
            break;
        case op::binary_load: {
            auto c = api::load(binaries_[arg(0)], arg(0), testsuite_registry());
            if (!c.ok()) throw vm::runtime_error{"test_binary_load: " + c.errors.front().message};
            compiled_ = std::move(c.program);
            break;
        }
        case op::debug_log:
            outcome_.debug_log.push_back(arg(0));
            break;
        case op::imap_metadata_set:
            metadata_[{arg(0), arg(1)}] = arg(2);
            break;
        case op::count_:
        default:
            throw vm::runtime_error{"unknown testsuite operation " + std::to_string(ins.arg[0])};
    }
}

}  // namespace sift::conformance
