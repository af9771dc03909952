// RFC 5230 §4.5-§4.6, RFC 3834, RFC 6131: whether a message gets an
// auto-reply, how long the reply is remembered, and the reply itself.
// Pure functions of the message, the envelope and the command's
// arguments, so each rule can be tested alone; ext/vacation/vacation.cpp
// ties them to the VM and the state store.
#pragma once

#include "mail/address.hpp"
#include "vm/opcodes.hpp"

#include <sift/message.hpp>
#include <sift/options.hpp>
#include <sift/session.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift::mail {
class message;
}

namespace sift::ext::vacation {

// The arguments of one vacation command, variables expanded.
struct request {
    std::string reason;
    std::optional<std::string> subject, from, handle;
    std::vector<std::string> addresses;
    bool mime = false;
    std::optional<std::uint64_t> days, seconds;
};

// mod_vacation's option bits, named in its opcodes.def row.
enum option_bit : std::uint64_t {
    days_bit = vm::flag(vm::opcode::mod_vacation, "days"),
    seconds_bit = vm::flag(vm::opcode::mod_vacation, "seconds"),
    mime_bit = vm::flag(vm::opcode::mod_vacation, "mime"),
    subject_bit = vm::flag(vm::opcode::mod_vacation, "subject"),
    from_bit = vm::flag(vm::opcode::mod_vacation, "from"),
    handle_bit = vm::flag(vm::opcode::mod_vacation, "handle")
};

// Why the message gets no reply (null sender, list, own address, ...), or
// nullopt when it gets one; then `user_address` is the user's address the
// message was sent to (the reply's default From).
std::optional<std::string> refusal(const mail::message& msg, const envelope& env, const request& req,
                                   const vacation_options& options, std::string& user_address);

// The period: :seconds (0 stays 0: always reply) or :days, clamped to the
// site's bounds; the default without either.
std::chrono::seconds period(const request& req, const vacation_options& options);

// RFC 5230 §4.2: the handle, or one derived from the reason, :subject,
// :from and :mime, hashed.
std::string handle_hash(const request& req);

struct reply {
    std::string subject;  // as a reader sees it (UTF-8)
    std::string data;     // the whole RFC 5322 message, CRLF line ends
};
reply build(const mail::message& msg, const envelope& env, const request& req, std::string_view user_address,
            const vacation_options& options, std::chrono::system_clock::time_point now);

}  // namespace sift::ext::vacation
