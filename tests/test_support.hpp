// Helpers shared by the engine tests: compile a script or fail the test,
// run it on a message given as text, and summarise actions compactly.
#pragma once

#include <sift/script.hpp>

#include <gtest/gtest.h>

#include <string>

namespace sift::testing {

inline script compiled(std::string_view source) {
    auto s = script::compile(source, "test.sieve");
    EXPECT_TRUE(s.ok()) << format(s.errors());
    return s;
}

// The errors of a script that must not compile, formatted.
inline std::string compile_errors(std::string_view source) {
    auto s = script::compile(source, "test.sieve");
    EXPECT_FALSE(s.ok()) << "compiled, but should not have:\n" << source;
    return format(s.errors());
}

inline envelope default_envelope() {
    return envelope{"sender@example.org", "rcpt@example.net", {}, {}};
}

// "keep; fileinto:Spam; redirect:a@b; discard" with "*" marking the
// implicit keep, for compact assertions.
inline std::string summary(const result& r) {
    std::string out;
    for (const auto& any : r.actions) {
        if (!out.empty()) out += "; ";
        out += std::string(name(any));
        if (const auto* a = std::get_if<fileinto_action>(&any)) out += ":" + a->mailbox;
        if (const auto* a = std::get_if<redirect_action>(&any)) out += ":" + a->address;
        if (const auto* a = std::get_if<keep_action>(&any); a && a->implicit) out += "*";
    }
    return out;
}

// The mailbox of a keep or fileinto, "" for another kind of action.
inline std::string mailbox_of(const action& a) {
    if (const auto* k = std::get_if<keep_action>(&a)) return k->mailbox;
    if (const auto* f = std::get_if<fileinto_action>(&a)) return f->mailbox;
    return "";
}

// The action as the kind the test expects; another kind throws
// std::bad_variant_access, which fails the test.
template <class T>
const T& as(const action& a) {
    return std::get<T>(a);
}

inline std::string run(std::string_view source, std::string raw_message, envelope env = default_envelope()) {
    auto s = compiled(source);
    auto msg = message::from_raw(std::move(raw_message));
    return summary(s.run(msg, env));
}

inline const char* sample_message =
    "Return-Path: <sender@example.org>\r\n"
    "From: Anna Example <anna@example.com>\r\n"
    "To: bob@example.net, \"Carol C.\" <carol@Example.NET>\r\n"
    "Subject: Hello world\r\n"
    "X-Spam-Flag: YES\r\n"
    "Date: Mon, 23 Nov 2026 07:00:00 +0000\r\n"
    "\r\n"
    "Hi Bob,\r\nthis is a test.\r\n";

}  // namespace sift::testing
