// RFC 8580: fcc. What vacation and notify call when they build their
// action, so the frontend files a copy of the message it sends.
#pragma once

#include <sift/result.hpp>

#include <optional>

namespace sift::vm {
class run_state;
}

namespace sift::ext {

// The :fcc target the prefixes before the sending command describe (:fcc
// with :create, :flags, :specialuse, :mailboxid), or nullopt without
// :fcc. Call before run_state::take_prefixes.
std::optional<fcc_copy> pending_fcc(const vm::run_state& s);

}  // namespace sift::ext
