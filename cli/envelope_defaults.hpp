// The envelope `sift run` and `sift filter` use when the command line does
// not give one: MAIL FROM is the message's Return-Path when it has one
// (that is where delivery agents record it), else sender@example.com; RCPT
// TO is recipient@example.com.
#pragma once

#include <sift/message.hpp>
#include <sift/session.hpp>

#include <optional>
#include <string>

namespace sift::cli {

inline constexpr const char* default_from = "sender@example.com";
inline constexpr const char* default_to = "recipient@example.com";

envelope envelope_for(const message& msg, const std::optional<std::string>& from,
                      const std::optional<std::string>& to);

// envelope_for's MAIL FROM when the command line gives none: the
// Return-Path's address, "" for the null sender, else default_from.
std::string return_path_sender(const message& msg);

}  // namespace sift::cli
