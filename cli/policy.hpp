// `--policy default|DIR`: the provider's scripts around the user's own
// (docs/POLICY.md). DIR/before.sieve runs first and DIR/after.sieve last,
// each when present; the user's script, if any, between them, as one
// sift::sequence (Pigeonhole's sieve_before / sieve_after).
#pragma once

#include <sift/script.hpp>
#include <sift/sequence.hpp>

#include <optional>
#include <string>

namespace sift::cli {

// The bundled default policy's directory: share/sift/policy/default beside
// the installed tool, else the source tree's policy/default.
std::string default_policy_dir();

struct loaded_policy {
    std::optional<script> before, after;
};

// Throws usage_error for a DIR without before.sieve or after.sieve, and
// script_error (with the scripts' file:line:column errors) for one that
// does not compile.
loaded_policy load_policy(const std::string& dir_or_default);

// before, user (when given), after.
sequence sequence_of(const loaded_policy& p, const script* user);

}  // namespace sift::cli
