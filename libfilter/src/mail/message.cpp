#include "mail/message.hpp"

#include <algorithm>
#include <string>

namespace sift::mail {

namespace {

std::string_view moved_view(std::string_view v, const char* old_base, const char* new_base) {
    return v.data() == nullptr ? v : std::string_view(new_base + (v.data() - old_base), v.size());
}

void rebase_part(mime_part& p, const char* old_base, const char* new_base) {
    for (header_field& f : p.headers) {
        f.name = moved_view(f.name, old_base, new_base);
        f.value = moved_view(f.value, old_base, new_base);
    }
    p.raw = moved_view(p.raw, old_base, new_base);
    p.body = moved_view(p.body, old_base, new_base);
    for (mime_part& c : p.children) {
        rebase_part(c, old_base, new_base);
    }
}

}  // namespace

message::message(message_limits limits) : limits_(limits), mime_(std::make_unique<mime_cache>()) {}

message::~message() = default;

message::message(message&& other) noexcept {
    take(other);
}

message& message::operator=(message&& other) noexcept {
    if (this != &other) {
        take(other);
    }
    return *this;
}

void message::take(message& other) noexcept {
    limits_ = other.limits_;
    headers_done_ = other.headers_done_;
    split_ = other.split_;
    body_offset_ = other.body_offset_;
    headers_ = std::move(other.headers_);
    first_ = other.first_;
    last_ = other.last_;
    next_ = std::move(other.next_);
    header_defects_ = std::move(other.header_defects_);
    mime_ = std::move(other.mime_);
    if (other.viewing()) {
        owned_.clear();
        raw_ = other.raw_;  // the caller's bytes: nothing moves
    } else {
        const char* old_base = other.owned_.data();
        owned_ = std::move(other.owned_);
        raw_ = owned_;
        if (owned_.data() != old_base) {
            rebase(old_base, owned_.data());  // the bytes lived inside `other` (SSO)
        }
    }
    other.owned_.clear();
    other.raw_ = {};
    other.headers_.clear();
    other.first_.fill(0);
    other.last_.fill(0);
    other.next_.clear();
    other.header_defects_.clear();
    other.headers_done_ = false;
    other.split_ = false;
    other.body_offset_ = 0;
}

message message::parse(std::string raw, message_limits limits) {
    message m(limits);
    m.assign_raw(std::move(raw));
    return m;
}

message message::view(std::string_view raw, message_limits limits) {
    message m(limits);
    m.assign_view(raw);
    return m;
}

void message::assign_raw(std::string raw) {
    owned_ = std::move(raw);
    // An mbox envelope line is not part of the message (RFC 4155): the
    // delivery agent that wrote it would not deliver it, and `sift filter`
    // never passes it, so neither do the size test, redirect and keep.
    owned_.erase(0, mbox_from_line(owned_));
    raw_ = owned_;
    split();
}

void message::assign_view(std::string_view raw) {
    raw.remove_prefix(mbox_from_line(raw));                 // as assign_raw() does
    if (raw.data() == nullptr) raw = std::string_view("");  // never taken for owned_'s bytes
    raw_ = raw;
    split();
}

void message::split() {
    body_offset_ =
        split_header_block(raw_, {limits_.max_headers, limits_.max_header_bytes}, headers_, &header_defects_);
    headers_done_ = true;
    split_ = true;
    next_.reserve(headers_.size());
    for (std::size_t i = 0; i < headers_.size(); ++i) index_field(i);
}

void message::index_field(std::size_t i) {
    const auto key = headers_[i].key;
    auto& last = last_[key_bucket(key)];
    const auto at = std::uint32_t(i + 1);
    next_.push_back(0);
    if (last != 0)
        next_[last - 1] = at;
    else
        first_[key_bucket(key)] = at;
    last = at;
}

void message::own() {
    if (!viewing()) return;
    const char* old_base = raw_.data();
    owned_.reserve(std::max(raw_.size(), std::size_t{64}));  // beyond SSO: the block moves with owned_
    owned_.assign(raw_);
    raw_ = owned_;
    rebase(old_base, owned_.data());
}

// Views are moved from old_base to new_base. Only addresses are used, so
// the old bytes need not be readable any more.
void message::rebase(const char* old_base, const char* new_base) {
    for (header_field& f : headers_) {
        f.name = moved_view(f.name, old_base, new_base);
        f.value = moved_view(f.value, old_base, new_base);
    }
    if (mime_ && mime_->built.load(std::memory_order_acquire)) {
        rebase_part(mime_->root, old_base, new_base);
    }
}

void message::drop_mime() {
    if (!mime_ || mime_->built.load(std::memory_order_acquire)) {
        mime_ = std::make_unique<mime_cache>();
    }
}

void message::append_raw(std::string_view text) {
    drop_mime();
    split_ = false;
    own();
    if (owned_.capacity() - owned_.size() >= text.size()) {
        owned_.append(text);
        raw_ = owned_;
        return;
    }
    // Grow by hand, so both addresses are known when re-basing. `grown` is
    // larger than any SSO buffer, so its heap block moves into owned_ as is.
    std::string grown;
    grown.reserve(std::max({owned_.capacity() * 2, owned_.size() + text.size(), std::size_t{64}}));
    grown.append(owned_).append(text);
    const char* grown_base = grown.data();
    rebase(owned_.data(), grown_base);
    owned_ = std::move(grown);
    if (owned_.data() != grown_base) {
        rebase(grown_base, owned_.data());  // a library that copies on move
    }
    raw_ = owned_;
}

void message::add_header(std::string_view name, std::string_view value) {
    if (headers_done_) {
        return;
    }
    std::size_t name_at = raw_.size();
    append_raw(name);
    append_raw(":");
    std::size_t value_at = raw_.size();
    append_raw(value);
    append_raw("\r\n");
    if (headers_.size() >= limits_.max_headers) {
        note_added_field_defect(defect_kind::header_fields_dropped,
                                "after the " + std::to_string(limits_.max_headers) + "th are not indexed");
        return;
    }
    std::string_view r = raw_;
    std::size_t len = std::min(value.size(), limits_.max_header_bytes);
    if (len < value.size()) {
        note_added_field_defect(defect_kind::header_value_cut,
                                "cut at " + std::to_string(limits_.max_header_bytes) + " bytes");
    }
    headers_.push_back(make_field(r.substr(name_at, name.size()), r.substr(value_at, len)));
    index_field(headers_.size() - 1);
}

// add_header's defects: one per kind, counting the fields it concerns.
void message::note_added_field_defect(defect_kind kind, const std::string& what) {
    auto it = std::find_if(header_defects_.begin(), header_defects_.end(),
                           [&](const defect& d) { return d.kind == kind; });
    std::size_t n = it == header_defects_.end() ? 1 : std::stoul(it->detail) + 1;
    std::string detail = std::to_string(n) + " header field(s) " + what;
    if (it == header_defects_.end()) {
        header_defects_.push_back({kind, std::move(detail)});
    } else {
        it->detail = std::move(detail);
    }
}

void message::end_headers() {
    if (headers_done_) {
        return;
    }
    append_raw("\r\n");
    headers_done_ = true;
    body_offset_ = raw_.size();
}

void message::append_body(std::string_view chunk) {
    end_headers();
    append_raw(chunk);
}

std::string_view message::body() const {
    return headers_done_ ? std::string_view(raw_).substr(body_offset_) : std::string_view();
}

bool message::has_body() const {
    if (!headers_done_) return false;
    if (body_offset_ < raw_.size()) return true;
    // The block ran to the end: was its last line the empty one?
    std::string_view r = raw_;
    return r == "\n" || r == "\r\n" || r.ends_with("\n\n") || r.ends_with("\n\r\n");
}

std::vector<const header_field*> message::find(field_name name) const {
    std::vector<const header_field*> out;
    for_each(name, [&](const header_field& f) { out.push_back(&f); });
    return out;
}

const header_field* message::first(field_name name) const {
    const header_field* found = nullptr;
    for_each(name, [&](const header_field& f) {
        found = &f;
        return false;
    });
    return found;
}

std::size_t message::count(field_name name) const {
    std::size_t n = 0;
    for_each(name, [&](const header_field&) { ++n; });
    return n;
}

defect_list message::defects() const {
    mime();
    return known_defects();
}

defect_list message::known_defects() const {
    defect_list out = header_defects_;
    if (mime_ && mime_->built.load(std::memory_order_acquire)) {
        collect_defects(mime_->root, out);
    }
    return out;
}

const mime_part& message::build_mime() const {
    if (!mime_) {
        static const mime_part empty;  // only a moved-from message has no cache
        return empty;
    }
    std::lock_guard lock(mime_->building);
    if (!mime_->built.load(std::memory_order_relaxed)) {  // another thread may have built it meanwhile
        mime_->root = split_ ? parse_mime(raw_, headers_, body_offset_, limits_) : parse_mime(raw_, limits_);
        mime_->built.store(true, std::memory_order_release);
    }
    return mime_->root;
}

}  // namespace sift::mail
