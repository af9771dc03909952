// `--store`: the state store vacation and duplicate remember things in
// (docs/STORE.md): "memory" (the default: nothing outlives the command,
// so repeated `sift run`s always reply), "lmdb:PATH" or "redis:HOST:PORT".
#pragma once

#include <sift/store.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sift::cli {

// Throws usage_error for a malformed spec, store::store_error when the
// store cannot be opened.
std::unique_ptr<store::store> open_state_store(const std::optional<std::string>& spec);

}  // namespace sift::cli
