// Memory across messages for vacation (RFC 5230 §4.2) and duplicate
// (RFC 7352 §3): the store the host provides (sift::host::state), the
// key scheme of docs/STORE.md, and the undo of a failed run's records.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sift::store {
class store;
}
namespace sift::vm {
class run_state;
}

namespace sift::ext {

// SHA-256 of `data`, the first 16 bytes (128 bits) in lower-case hex:
// collision-resistant, short, and free of separators a script controls.
std::string hash_hex(std::string_view data);

// An address as a key component: lower-cased (RFC 5230 §4.1 compares
// addresses case-insensitively), replaced by its hash when longer than
// 200 bytes so that every key stays under store's 511-byte limit.
std::string key_address(std::string_view address);

// The host's store, or a runtime error naming the command and the missing
// service.
store::store& state_store(const vm::run_state& s, std::string_view command);

// put_if_absent(key, value, period), a store failure being a lookup
// failure (sift/host.hpp). A key it creates is remembered for the run, and erased
// again when the run fails, so a failed run is not remembered (RFC 7352
// §3); errors erasing go to the result's errors.
bool record_once(vm::run_state& s, std::string_view command, const std::string& key,
                 std::chrono::seconds period);

// Whether this run created `key` (a value first recorded earlier in the
// same run is no duplicate, RFC 7352 §3).
bool created_in_this_run(const vm::run_state& s, const std::string& key);

// Seconds since the epoch, as the record's value (for diagnostics).
std::string now_text(const vm::run_state& s);

}  // namespace sift::ext
