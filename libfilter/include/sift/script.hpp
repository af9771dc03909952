// A compiled Sieve script.
//
// Compile once, run many times: a `script` is immutable after compile() or
// load() and safe to share between threads; each run() has its own state.
//
//     sift::script s = sift::script::compile(source, "rules.sieve");
//     if (!s.ok()) { std::cerr << sift::format(s.errors()); return 1; }
//     sift::result r = s.run(message, envelope);
//     if (r.verdict.what == sift::verdict::kind::refuse) ...
//
// A run reads the message (sift/message.hpp), the envelope of one
// recipient and the SMTP session (sift/session.hpp), and its settings and
// the host that answers its lookups (sift::run_options, sift/host.hpp).
//
// Bytecode: save() gives a versioned binary image; load() verifies an image
// completely (bounds, jump targets, constant indices, version) before
// accepting it, so no byte sequence can crash the VM.
#pragma once

#include <sift/diagnostic.hpp>
#include <sift/export.hpp>
#include <sift/host.hpp>
#include <sift/message.hpp>
#include <sift/options.hpp>
#include <sift/result.hpp>
#include <sift/script_source.hpp>
#include <sift/session.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

namespace vm {
struct program;
}
struct internal;  // the library's own access (src/api/internal.hpp)

// Which parts of a message a script reads; lets a frontend decide as early
// as the SMTP dialogue allows.
enum class needs { envelope, headers, body };

class SIFT_API script {
public:
    script();  // an empty, failed script: ok() is false
    ~script();
    script(const script&);
    script& operator=(const script&);
    script(script&&) noexcept;
    script& operator=(script&&) noexcept;

    // `name` is used in diagnostics ("name:line:col: error: ...").
    static script compile(std::string_view source, std::string name = "script.sieve",
                          compile_limits limits = {});
    // With `include` (RFC 6609): included scripts come from `scripts` and
    // are compiled into this script (sift/script_source.hpp).
    static script compile(std::string_view source, std::string name, compile_limits limits,
                          const script_source* scripts);
    static script load(std::string_view bytecode, std::string name = "script.svbin");

    bool ok() const;
    const std::vector<diagnostic>& errors() const;
    // Diagnostics that did not stop compilation (e.g. a header name no
    // message can have); printed by `sift check`.
    const std::vector<diagnostic>& warnings() const;

    std::string save() const;  // bytecode image; empty when !ok()
    std::string dump() const;  // disassembly with source lines
    std::vector<std::string> capabilities() const;
    sift::needs needs() const;
    // The host services (sift/host.hpp) the extensions this script requires
    // need, in the order of sift::service, each once: vacation and
    // duplicate the state store and the clock, date, enotify and enclose
    // the clock, extlists the lists, mailbox and the metadata, special-use
    // and mailboxid tests the mail store (an extension is counted whole:
    // requiring special-use counts the mail store even if the script only
    // uses fileinto :specialuse, which does without). For a frontend to
    // check against its host when it loads the script:
    //     for (auto s : script.services())
    //         if (!host.provides(s)) refuse("needs the host's " + std::string(sift::name(s)));
    // Each extension's list is its descriptor's (ext/extension.hpp).
    std::vector<service> services() const;

    // Runs the script against one message for one recipient. Never throws
    // for a bad message, a runtime error or a failed lookup: those are in
    // the result (result::status, result::verdict). `options` gives the
    // limits, the extensions' settings and the host (sift/host.hpp);
    // without a host, the extensions that need one fail at run time.
    // Without a session, nothing is known about the SMTP client (the
    // environment items it fills have no value).
    // Without `options`: the defaults, built once for every such run.
    result run(const message& msg, const envelope& env) const;
    result run(const message& msg, const envelope& env, const run_options& options) const;
    result run(const session& client, const message& msg, const envelope& env) const;
    result run(const session& client, const message& msg, const envelope& env,
               const run_options& options) const;

private:
    friend struct internal;
    result run_for(const session* client, const message& msg, const envelope& env,
                   const run_options& options) const;
    std::shared_ptr<const vm::program> program_;
    std::vector<diagnostic> errors_;
    std::vector<diagnostic> warnings_;
};

// True when `bytes` starts with Sift's bytecode magic.
SIFT_API bool is_bytecode(std::string_view bytes);

}  // namespace sift
