// vnd.dovecot.testsuite: the test-only Sieve extension Pigeonhole's test
// suite is written in, implemented on Sift's host hooks (vm::command_host,
// call_host, command_def::emit_end). Never part of registry::standard():
// the conformance runner builds its own registry (standard + this).
#pragma once

#include "validate/registry.hpp"

#include <cstdint>
#include <string>

namespace sift::conformance {

// Host operation ids: the first operand of every call_host the
// testsuite's commands compile to.
enum class op : std::uint64_t {
    test_start,      // list: [name]
    test_finish,     // the test block ran to its end
    fail,            // list: [reason]
    set,             // list: [name, value]
    config_set,      // list: [setting, value]
    config_unset,    // list: [setting]
    config_reload,   // list: [extension] or []
    message,         // list: ["smtp"] or ["folder", name]; number: index
    mailbox_create,  // list: [mailbox]
    mailbox_delete,  // list: [mailbox]
    script_compile,  // list: [path]
    script_run,      // number: 1 with :append_result
    multiscript,     // list: script paths
    result_action,   // list: keys; number: :index; comparator, match
    result_execute,
    result_reset,
    result_print,
    error,              // list: keys; number: :index; comparator, match
    binary_save,        // list: [name]
    binary_load,        // list: [name]
    imap_metadata_set,  // list: [mailbox or "", annotation, value]
    debug_log,          // list: [message] (vnd.dovecot.debug, vendor.cpp)
    count_
};

// Adds the capability, its commands and tags, and the "tst" variable
// namespace to `r`.
void register_testsuite(validate::registry& r);

// The registry the runner compiles with: every standard capability plus
// the testsuite.
const validate::registry& testsuite_registry();

// ${tst.path}: the directory of the test file being compiled; literals of
// a script requiring the testsuite are rewritten with it.
void set_test_path(std::string path);

}  // namespace sift::conformance
