// sift::message is a thin owner of sift::mail::message, so the public header
// stays free of the message model's internals.
#include "mail/message.hpp"

#include <sift/message.hpp>

namespace sift {

message::message(message_limits limits) : impl_(std::make_unique<mail::message>(limits)) {}

message::~message() = default;
message::message(message&&) noexcept = default;
message& message::operator=(message&&) noexcept = default;

// The message is parsed in its heap block: assigning a parsed one there
// would build it beside an empty one (and its MIME cache) first.
message message::from_raw(std::string raw, message_limits limits) {
    message m(limits);
    m.impl_->assign_raw(std::move(raw));
    return m;
}

message message::view(std::string_view raw, message_limits limits) {
    message m(limits);
    m.impl_->assign_view(raw);
    return m;
}

void message::add_header(std::string_view name, std::string_view value) {
    impl_->add_header(name, value);
}

void message::end_headers() {
    impl_->end_headers();
}

void message::append_body(std::string_view chunk) {
    impl_->append_body(chunk);
}

bool message::headers_complete() const {
    return impl_->headers_complete();
}

std::uint64_t message::size() const {
    return impl_->size();
}

std::string_view message::raw() const {
    return impl_->raw();
}

std::vector<header_field_view> message::headers() const {
    std::vector<header_field_view> out;
    out.reserve(impl_->headers().size());
    for (const auto& h : impl_->headers()) out.push_back({h.name, h.value});
    return out;
}

std::optional<std::string_view> message::header(std::string_view name) const {
    const auto* field = impl_->first(name);
    return field ? std::optional<std::string_view>(field->value) : std::nullopt;
}

std::optional<std::string> message::unfolded_header(std::string_view name) const {
    auto value = header(name);
    return value ? std::optional<std::string>(mail::message::unfold(*value)) : std::nullopt;
}

std::optional<std::string_view> message::unfolded_header(std::string_view name, std::string& scratch) const {
    auto value = header(name);
    return value ? std::optional<std::string_view>(mail::message::unfold(*value, scratch)) : std::nullopt;
}

}  // namespace sift
