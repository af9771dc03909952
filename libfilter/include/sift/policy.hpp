// A provider's policy: the "before" and "after" scripts that run around
// each user's own script (docs/POLICY.md), loaded once and shared by every
// message and recipient, as the sift tool's `--policy` and sift-milter
// use it:
//
//     sift::policy p = sift::policy::load("default");   // or a directory
//     if (!p.ok()) { std::cerr << sift::format(p.errors()); return 1; }
//     sift::result r = p.run(session, msg, env, options, user_script);
//
// DIR/before.sieve runs first and DIR/after.sieve last, each when present
// (one of them must be); the user's script, if any, between them, as one
// sift::sequence (sift/sequence.hpp: Pigeonhole's sieve_before and
// sieve_after semantics). A script in the directory may be Sieve source or
// Sift bytecode (told apart by its magic bytes); `include :personal` finds
// scripts in the policy's directory, `include :global` in
// policy_options::global_dir. Defined in libsift-store.
#pragma once

#include <sift/diagnostic.hpp>
#include <sift/export.hpp>
#include <sift/options.hpp>
#include <sift/result.hpp>
#include <sift/script.hpp>
#include <sift/sequence.hpp>
#include <sift/session.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

// The bundled default policy's directory (policy/default in the source):
// share/sift/policy/default beside the running program
// (<exe>/../share/sift/policy/default), else the one of the prefix the
// library was installed to, else the source tree's (a build that was not
// installed).
SIFT_API std::string default_policy_dir();

// A policy directory that is not one: missing, unreadable, or with neither
// before.sieve nor after.sieve. The message names the directory.
class SIFT_API policy_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct policy_options {
    // Where `include :global` (RFC 6609) finds scripts; empty: nowhere.
    std::string global_dir{};
    compile_limits limits{};
};

class SIFT_API policy {
public:
    policy() = default;  // no scripts: run() is the user's script alone

    // Loads DIR/before.sieve and DIR/after.sieve; "default" is
    // default_policy_dir(). The scripts are named for diagnostics and
    // result::scripts by the directory's last component and the file:
    // "default/before.sieve". Throws policy_error (see above); a script
    // that does not compile is not an exception: ok() is false and
    // errors() says why.
    static policy load(std::string_view dir_or_default, const policy_options& options = {});

    // The directory the scripts came from.
    const std::string& dir() const { return dir_; }
    // nullptr when the directory has no such file.
    const script* before() const { return before_ ? &*before_ : nullptr; }
    const script* after() const { return after_ ? &*after_ : nullptr; }

    // Both present scripts compiled; otherwise errors() has theirs.
    bool ok() const;
    std::vector<diagnostic> errors() const;

    // before, `user` (when given), after. Throws std::invalid_argument when
    // one of them did not compile (check ok() and user->ok() first).
    sequence around(const script* user = nullptr) const;

    // around(user).run(...).
    result run(const session& client, const message& msg, const envelope& env, const run_options& options,
               const script* user = nullptr) const;

private:
    std::string dir_;
    std::optional<script> before_, after_;
};

}  // namespace sift
