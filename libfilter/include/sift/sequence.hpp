// Several scripts evaluated as one, the way Pigeonhole runs sieve_before,
// the user's own script and sieve_after: a hosting provider's "before"
// policy, then the user's script, then the "after" policy, for one
// message and one recipient.
//
//     sift::sequence policy{{before, user, after}};   // compiled scripts
//     sift::result r = policy.run(msg, env, options);
//
// Each next script runs only while the implicit keep stands: a script
// that files, redirects, discards or refuses the message ends the
// sequence (so a user cannot undo the policy's refusal, and "after" sees
// only what the user's script left to the implicit keep); `stop` ends
// only the script it is in. The scripts share one result: RFC 5228
// §2.10.3 deduplication and the action conflicts (reject beside fileinto,
// RFC 5429) apply across them, imap4flags' internal flags carry from one
// to the next, each sees the message as the scripts before it left it
// (editheader, replace, enclose) and vnd.sift.score's hits add up. Each
// script has its own variables (RFC 5229 §3) and its own instruction
// budget. A runtime error cancels the failing script's actions, keeps
// those of the scripts before it, and ends the sequence with the implicit
// keep (RFC 5228 §2.10.6; the verdict follows run_options::failures).
// result::scripts names the scripts that ran; each action's `script`
// indexes it. docs/EMBEDDING.md "Sequences".
#pragma once

#include <sift/export.hpp>
#include <sift/script.hpp>

#include <vector>

namespace sift {

class SIFT_API sequence {
public:
    sequence() = default;
    // Throws std::invalid_argument for a script that did not compile (a
    // frontend logs its errors and leaves it out).
    explicit sequence(std::vector<script> scripts);
    void add(script s);
    const std::vector<script>& scripts() const { return scripts_; }

    // As script::run; a sequence of no scripts is the implicit keep.
    result run(const message& msg, const envelope& env) const;
    result run(const message& msg, const envelope& env, const run_options& options) const;
    result run(const session& client, const message& msg, const envelope& env,
               const run_options& options) const;

private:
    result run_for(const session* client, const message& msg, const envelope& env,
                   const run_options& options) const;
    std::vector<script> scripts_;
};

}  // namespace sift
