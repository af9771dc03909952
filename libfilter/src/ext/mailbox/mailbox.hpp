// Pieces the mailbox-related extensions share (RFC 5490, 8579, 9042,
// 8580): the host's mail store, and the name checks.
#pragma once

#include <sift/mailbox_host.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sift::vm {
class run_state;
}
namespace sift::validate {
class checker;
}
namespace sift::parse::ast {
struct string_lit;
}

namespace sift::ext {

// The host's mail store as a test asks it: each question a lookup, so a
// store that throws makes the run a lookup failure (sift/host.hpp) whose
// error names the test.
class mailbox_lookup {
public:
    mailbox_lookup(const mailbox_host& store, std::string_view test) : store_(store), test_(test) {}
    bool exists(std::string_view mailbox) const;
    std::optional<std::string> metadata(std::string_view mailbox, std::string_view entry) const;
    std::optional<std::string> server_metadata(std::string_view entry) const;
    std::optional<std::string> special_use(std::string_view flag) const;
    bool has_special_use(std::string_view mailbox, std::string_view flag) const;
    std::optional<std::string> mailbox_for_id(std::string_view id) const;

private:
    const mailbox_host& store_;
    std::string_view test_;
};

// The host's mail store (sift::host::mailboxes) for `test`; a runtime
// error naming `test` and the service when the host has none.
mailbox_lookup mailbox_service(const vm::run_state& s, std::string_view test);

// RFC 5464 §3.2 entry names: "/private/..." or "/shared/...", components
// separated by single "/", no "*" or "%", printable ASCII, no trailing "/".
bool valid_metadata_entry(std::string_view entry);
// A warning for a constant entry name that is not valid: it has no value
// (mboxmetadata's and servermetadata's tests, as Pigeonhole warns).
void warn_metadata_entry(validate::checker& c, const parse::ast::string_lit& entry);
// RFC 6154 / RFC 8579 §3: a special-use flag, "\" followed by an atom.
bool valid_special_use(std::string_view flag);
// RFC 8474 §1.1 objectid: 1 to 255 of ALPHA / DIGIT / "_" / "-".
bool valid_object_id(std::string_view id);

// Whether a :create prefix (RFC 5490 §3.1, mod_create) is set for the
// command it precedes (fileinto, or a vacation/notify :fcc).
bool create_prefix(const vm::run_state& s);

}  // namespace sift::ext
