// What a script decided for one message and one recipient.
#pragma once

#include <sift/export.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sift {

enum class action_kind { keep, fileinto, redirect, discard, reject, ereject, vacation, notify };

SIFT_API std::string_view name(action_kind k);

// A message the frontend must send on the script's behalf (a vacation
// reply, a notification), complete and RFC 3834-conformant. The library
// never sends mail itself.
struct outgoing_message {
    std::string envelope_from;            // empty: the null reverse-path "<>"
    std::vector<std::string> recipients;  // envelope recipients
    std::string data;                     // the RFC 5322 message, CRLF line ends
};

// An editheader change (RFC 5293), in execution order; the frontend applies
// them to the message it delivers (later tests in the script already saw
// them).
struct header_edit {
    enum class kind { add, remove } what = kind::add;
    std::string name;
    std::string value;        // add: the new value (folded with CRLF when long); remove: the removed value
    bool last = false;        // add: append instead of prepend
    unsigned occurrence = 0;  // remove: which field of that name (1-based, in the original)
};

// replace and enclose (RFC 5703 §5, §6) change the message itself, in
// execution order with editheader's changes: `after_header_edits` says how
// many of result::header_edits came before it.
struct message_edit {
    enum class kind { replace, enclose } what = kind::replace;
    unsigned line = 0;                   // the command's script line
    std::size_t after_header_edits = 0;  // header_edits[0 .. n) were made before it
    bool whole_message = true;           // replace: false when it replaced one MIME part
                                         // (the current part of a foreverypart loop)
};

// A message as Sift rewrote it: complete, ready to deliver. Line ends are
// those of the message the frontend passed in (CRLF from a milter).
struct rewritten_message {
    std::string data;             // header fields, the empty line, the body
    std::size_t body_offset = 0;  // where the body starts in `data`

    std::string_view header() const {
        return std::string_view(data).substr(0, body_offset);
    }  // with the empty line
    std::string_view body() const { return std::string_view(data).substr(body_offset); }
};

// fcc (RFC 8580): where the frontend files a copy of the message it sends
// for a vacation or notify action.
struct fcc_copy {
    std::string mailbox;
    std::vector<std::string> flags;  // :flags (imap4flags)
    std::string special_use;         // :specialuse (RFC 8579), if given
    std::string mailbox_id;          // :mailboxid (RFC 9042 §4.3): this mailbox first, if given
    bool create = false;             // :create (RFC 5490)
};

// The actions, one struct per kind, each with only the fields that kind
// has. `line` is the script line that caused it (0: the implicit keep);
// `script`, in a sequence of scripts, which one (result::scripts).

// keep (RFC 5228 §4.3), explicit or implicit: file into INBOX.
struct keep_action {
    std::string mailbox = "INBOX";
    std::vector<std::string> flags{};  // imap4flags (RFC 5232), when set
    bool implicit = false;             // the implicit keep
    unsigned line = 0;
    unsigned script = 0;  // in a sequence: its index in result::scripts
};

// fileinto (RFC 5228 §4.1) with its tags.
struct fileinto_action {
    std::string mailbox{};
    std::vector<std::string> flags{};  // :flags / imap4flags
    bool copy = false;                 // :copy (RFC 3894)
    bool create = false;               // :create (RFC 5490 §3.2): create the mailbox if missing
    // :specialuse (RFC 8579) / :mailboxid (RFC 9042): the flag or id asked
    // for. When the mail store (host::mailboxes) knew the mailbox,
    // `mailbox` already names it; else the delivery agent resolves them,
    // falling back to `mailbox`.
    std::string special_use{};
    std::string mailbox_id{};
    unsigned line = 0;
    unsigned script = 0;  // in a sequence: its index in result::scripts
};

// redirect (RFC 5228 §4.2).
struct redirect_action {
    std::string address{};
    bool copy = false;  // :copy (RFC 3894)
    unsigned line = 0;
    unsigned script = 0;  // in a sequence: its index in result::scripts
};

// discard (RFC 5228 §4.4).
struct discard_action {
    unsigned line = 0;
    unsigned script = 0;  // in a sequence: its index in result::scripts
};

// reject / ereject (RFC 5429): refuse the message with `reason`.
struct reject_action {
    std::string reason{};
    bool extended = false;  // ereject
    unsigned line = 0;
    unsigned script = 0;  // in a sequence: its index in result::scripts
    // vnd.sift.replycode's :replycode "554 5.7.0": the SMTP reply code (a
    // 5xx) and the enhanced status code (5.x.x, RFC 3463) the refusal is
    // sent with; 0 and empty without it (then 550 5.7.1, RFC 5429 §2.1.1).
    int smtp_code = 0;
    std::string enhanced_code{};
};

// vacation (RFC 5230): a reply to `recipient`, sent by the frontend when
// `outgoing` is set; otherwise `not_sent` says why not.
struct vacation_action {
    std::string recipient{};  // the envelope sender
    std::string subject{};
    std::string body{};  // the reason, as the script gave it
    std::optional<outgoing_message> outgoing{};
    std::string not_sent{};
    std::optional<fcc_copy> fcc{};  // :fcc (RFC 8580), when a reply is sent
    unsigned line = 0;
    unsigned script = 0;  // in a sequence: its index in result::scripts
};

// notify (RFC 5435, mailto RFC 5436): a notification by `method` (a URI).
struct notify_action {
    std::string method{};  // "mailto:..."
    std::string from{};    // :from, if given
    std::string subject{};
    std::string body{};  // :message, or the summary
    std::optional<outgoing_message> outgoing{};
    std::string not_sent{};  // why no notification is sent, when none is
    std::optional<fcc_copy> fcc{};
    unsigned line = 0;
    unsigned script = 0;  // in a sequence: its index in result::scripts
};

using action = std::variant<keep_action, fileinto_action, redirect_action, discard_action, reject_action,
                            vacation_action, notify_action>;

// The actions of a run, in execution order: a vector that holds its first
// action inline, so that a run with one action (the implicit keep, what
// most runs end with) allocates nothing for it. Contiguous, like the
// std::vector it replaces; pointers stay valid until it is changed.
class action_list {
public:
    using value_type = action;
    using size_type = std::size_t;
    using reference = action&;
    using const_reference = const action&;
    using iterator = action*;
    using const_iterator = const action*;

    action_list() noexcept {}
    action_list(std::initializer_list<action> all) {
        for (const auto& a : all) push_back(a);
    }
    action_list(std::vector<action> all) noexcept : more_(std::move(all)) {}
    action_list(const action_list& other) { copy_from(other); }
    action_list(action_list&& other) noexcept { take(other); }
    action_list& operator=(const action_list& other) {
        if (this != &other) {
            clear();
            copy_from(other);
        }
        return *this;
    }
    action_list& operator=(action_list&& other) noexcept {
        if (this != &other) {
            drop_inline();
            more_.clear();
            take(other);
        }
        return *this;
    }
    // Takes the vector's elements (and its storage) over.
    action_list& operator=(std::vector<action>&& all) noexcept {
        drop_inline();
        more_ = std::move(all);
        return *this;
    }
    ~action_list() { drop_inline(); }

    action* data() noexcept { return inline_ ? &one_ : more_.data(); }
    const action* data() const noexcept { return inline_ ? &one_ : more_.data(); }
    std::size_t size() const noexcept { return inline_ ? 1 : more_.size(); }
    bool empty() const noexcept { return size() == 0; }
    iterator begin() noexcept { return data(); }
    iterator end() noexcept { return data() + size(); }
    const_iterator begin() const noexcept { return data(); }
    const_iterator end() const noexcept { return data() + size(); }
    action& operator[](std::size_t i) noexcept { return data()[i]; }
    const action& operator[](std::size_t i) const noexcept { return data()[i]; }
    action& at(std::size_t i) { return i < size() ? data()[i] : throw std::out_of_range("action_list::at"); }
    const action& at(std::size_t i) const {
        return i < size() ? data()[i] : throw std::out_of_range("action_list::at");
    }
    action& front() noexcept { return data()[0]; }
    const action& front() const noexcept { return data()[0]; }
    action& back() noexcept { return data()[size() - 1]; }
    const action& back() const noexcept { return data()[size() - 1]; }

    // `a` by value: it may be one of this list's own elements.
    void push_back(action a) {
        if (!inline_ && more_.empty() && more_.capacity() == 0) {
            ::new (static_cast<void*>(&one_)) action(std::move(a));
            inline_ = true;
            return;
        }
        if (inline_) {  // a second action: both go to the heap
            more_.reserve(4);
            more_.push_back(std::move(one_));
            drop_inline();
        }
        more_.push_back(std::move(a));
    }
    template <class... Args>
    action& emplace_back(Args&&... args) {
        push_back(action(std::forward<Args>(args)...));
        return back();
    }
    void clear() noexcept {
        drop_inline();
        more_.clear();
    }

private:
    void drop_inline() noexcept {
        if (inline_) one_.~action();
        inline_ = false;
    }
    void copy_from(const action_list& other) {
        if (other.inline_) {
            ::new (static_cast<void*>(&one_)) action(other.one_);
            inline_ = true;
        } else {
            more_ = other.more_;
        }
    }
    void take(action_list& other) noexcept {
        if (other.inline_) {
            ::new (static_cast<void*>(&one_)) action(std::move(other.one_));
            inline_ = true;
            other.drop_inline();
        } else {
            more_ = std::move(other.more_);
            other.more_.clear();
        }
    }

    union {
        action one_;  // the first action, while it is the only one
    };
    bool inline_ = false;
    std::vector<action> more_;  // all of them otherwise
};

// The kind of an action (reject_action is reject or ereject), its name
// ("fileinto") and its script line.
SIFT_API action_kind kind(const action& a);
SIFT_API std::string_view name(const action& a);
SIFT_API unsigned line(const action& a);

// Something in the message the parse could not read as written: a
// malformed header section or MIME structure, or a message_limits bound
// that cut what a script sees (docs/MESSAGE.md lists every name). A policy
// refuses what it could not inspect with the `defect` test
// (vnd.sift.defects) or by looking here.
struct message_defect {
    std::string name;    // stable snake_case, e.g. "mime_too_deep"
    std::string detail;  // where and what, for a human
};

// A file the message carries, as vnd.sift.attachment found it (a named
// MIME part, or a member of an archive among them; docs/EXTENSIONS.md).
struct attached_file {
    std::string name;     // normalised: what `attachment` compares
    std::string carrier;  // the outermost attachment's name, as written
    std::string path;     // carrier and member paths through the archives, by '/'
    std::string part;     // the MIME part ("2", "1.2"; "" for the message itself)
    unsigned depth = 0;   // 0: a MIME part; n: inside n archives
};

// vnd.sift.score (docs/EXTENSIONS.md): one hit of a named, weighted rule
// in a score category. Weights and totals are exact thousandths: 2500 is
// "2.5" (format_score), so sums never drift as floating point would.
struct score_hit {
    std::string rule;         // "MISSING_DATE"
    std::string category;     // lower-case: "spam", "promotions", "social", ...
    std::int64_t weight = 0;  // thousandths, may be negative
    std::string script;       // the name the script was compiled or loaded with
    unsigned line = 0;        // the score command's line in that script
};

// A category's total: the sum of its hits' weights, in thousandths.
struct category_score {
    std::string category;
    std::int64_t total = 0;
};

// A thousandths value as the shortest decimal: 2500 "2.5", -1000 "-1",
// 125 "0.125", 0 "0".
SIFT_API std::string format_score(std::int64_t thousandths);

enum class run_status {
    ok,             // the script ran to completion (or stop)
    runtime_error,  // the script failed: its actions were cancelled and the
                    // message is kept (RFC 5228 §2.10.6)
    lookup_failed,  // the host could not answer a lookup (state store, list,
                    // mail store: down, timed out; sift/host.hpp). Its
                    // actions were cancelled as for a runtime error; at the
                    // SMTP stage the verdict is tempfail (failure_policy)
};

// What the frontend does with the message, decided from the actions, the
// status and run_options::failures:
//
//     kind      when                                     the frontend
//     --------  ---------------------------------------  -------------------------
//     deliver   keep, fileinto or redirect (or the       files into folders(),
//               implicit keep, also after a failure      forwards to redirects()
//               whose policy is keep)
//     refuse    reject or ereject (RFC 5429)             answers smtp_code
//                                                        enhanced_code text (at the
//                                                        SMTP stage) or bounces it
//     tempfail  a failure whose policy is tempfail       answers 451 4.3.0: retried
//     discard   discard and nothing that delivers        accepts and drops it
//
// vacation and notify never change it: their messages are in the actions,
// to be sent whatever the verdict (none after a failure). Header and message
// edits (result::header_edits, result::message) apply to what is delivered.
//
// A deliver verdict's mailboxes and redirect addresses are
// result::folders() and result::redirects(), read from the actions.
struct verdict {
    enum class kind { deliver, refuse, tempfail, discard };
    kind what = kind::deliver;
    // refuse: the reject's :replycode (vnd.sift.replycode), else 550 and
    // "5.7.1" (RFC 5429 §2.1.1); the script's reason;
    // tempfail: 451, "4.3.0" and what failed, for the log more than the
    // client. 0 and empty otherwise.
    int smtp_code = 0;
    std::string enhanced_code{};
    std::string text{};
};

SIFT_API std::string_view name(verdict::kind k);

// What a deliver verdict delivers to (result::folders(), result::redirects()):
// the mailboxes of keep (INBOX) and fileinto, or the addresses of redirect,
// in action order, each once; empty unless the verdict is deliver. A view
// over the result's actions: nothing is copied, and it is valid while the
// result lives unchanged. Iterating gives const std::string&.
class delivery_targets {
public:
    enum class of { folders, redirects };

    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::string;
        using difference_type = std::ptrdiff_t;
        using pointer = const std::string*;
        using reference = const std::string&;

        iterator() = default;
        reference operator*() const { return *target(at_, of_); }
        pointer operator->() const { return target(at_, of_); }
        iterator& operator++() {
            ++at_;
            settle();
            return *this;
        }
        iterator operator++(int) {
            iterator old = *this;
            ++*this;
            return old;
        }
        bool operator==(const iterator& other) const { return at_ == other.at_; }

    private:
        friend class delivery_targets;
        iterator(const action* first, const action* at, const action* end, of o)
            : first_(first), at_(at), end_(end), of_(o) {
            settle();
        }
        // On the next action with a target not named by an earlier one.
        void settle() {
            for (; at_ != end_; ++at_) {
                const std::string* t = target(at_, of_);
                if (t && !named_before(*t)) return;
            }
        }
        bool named_before(const std::string& t) const {
            for (const action* a = first_; a != at_; ++a)
                if (const std::string* u = target(a, of_); u && *u == t) return true;
            return false;
        }
        const action* first_ = nullptr;
        const action* at_ = nullptr;
        const action* end_ = nullptr;
        of of_ = of::folders;
    };

    delivery_targets(const action* first, const action* end, of o) : first_(first), end_(end), of_(o) {}

    iterator begin() const { return {first_, first_, end_, of_}; }
    iterator end() const { return {first_, end_, end_, of_}; }
    bool empty() const { return begin() == end(); }
    std::size_t size() const { return static_cast<std::size_t>(std::distance(begin(), end())); }
    std::vector<std::string> to_vector() const { return {begin(), end()}; }
    friend bool operator==(const delivery_targets& a, const std::vector<std::string>& b) {
        auto i = a.begin();
        for (const auto& s : b) {
            if (i == a.end() || *i != s) return false;
            ++i;
        }
        return i == a.end();
    }

    // The mailbox (keep, fileinto) or the address (redirect) `a` names, or
    // null.
    static const std::string* target(const action* a, of o) {
        if (o == of::redirects) {
            const auto* r = std::get_if<redirect_action>(a);
            return r ? &r->address : nullptr;
        }
        if (const auto* k = std::get_if<keep_action>(a)) return &k->mailbox;
        if (const auto* f = std::get_if<fileinto_action>(a)) return &f->mailbox;
        return nullptr;
    }

private:
    const action* first_;
    const action* end_;
    of of_;
};

struct SIFT_API result {
    run_status status = run_status::ok;
    sift::verdict verdict;            // what to do with the message (above)
    action_list actions;              // in execution order; implicit keep last
    std::vector<std::string> errors;  // runtime errors, "line N: message"
    // A sequence (sift::sequence): the names of the scripts that ran, in
    // order; each action's `script` indexes it. Empty for a single script.
    std::vector<std::string> scripts;
    std::uint64_t instructions = 0;         // executed, for cost accounting
    std::vector<header_edit> header_edits;  // editheader, in order
    // The message's defects the run came across: always the header
    // section's; the MIME structure's when a test parsed it (body, mime,
    // foreverypart, the defect test, ...), since a run that reads only
    // header fields never parses the MIME tree; then, in part order, the
    // transfer encodings' of the parts a test decoded (body :content and
    // :text, extracttext) or the defect test checked.
    std::vector<message_defect> defects;
    // The files of the message, in message order, when an `attachment` or
    // `defect` test ran vnd.sift.attachment's scan (empty otherwise).
    std::vector<attached_file> attachments;

    // replace / enclose (RFC 5703 §5-6), in order. When there are any,
    // `message` is what keep, fileinto and the implicit keep deliver: the
    // whole new message with every header edit (before and after them)
    // already applied, so the frontend ignores header_edits and swaps the
    // message (a milter: delete the header fields, add those of
    // message->header(), smfi_replacebody with message->body()). A
    // redirect sends `redirect_message` when set — the message as the first
    // enclose found it, since enclose leaves redirected mail alone (§6) —
    // else `message`. As with header_edits, the changes apply to every
    // delivery, wherever the action stands in the script. A run that fails
    // has neither (the message is kept as it came).
    std::vector<message_edit> message_edits;
    std::optional<rewritten_message> message;
    std::optional<rewritten_message> redirect_message;

    // A deliver verdict's mailboxes and redirect addresses (delivery_targets).
    delivery_targets folders() const { return targets(delivery_targets::of::folders); }
    delivery_targets redirects() const { return targets(delivery_targets::of::redirects); }

    // vnd.sift.score: every hit in the order the rules hit (a rule counts
    // once per category), in a sequence (sift/sequence.hpp) those of all
    // its scripts, and the total of each category that has a hit, in the
    // order of the categories' first hits. A failing script's hits are
    // cancelled with its actions; those of the scripts before it stay.
    std::vector<score_hit> hits;
    std::vector<category_score> scores;

    bool ok() const { return status == run_status::ok; }
    bool lookup_failed() const { return status == run_status::lookup_failed; }
    // True when the message is dropped without any delivery (explicit discard
    // and nothing else).
    bool discarded() const;
    // The total of `category` (lower-case), in thousandths; 0 without hits.
    std::int64_t score(std::string_view category) const {
        for (const auto& s : scores)
            if (s.category == category) return s.total;
        return 0;
    }

private:
    delivery_targets targets(delivery_targets::of o) const {
        const action* first = verdict.what == sift::verdict::kind::deliver ? actions.data() : nullptr;
        return {first, first ? first + actions.size() : nullptr, o};
    }
};

}  // namespace sift
