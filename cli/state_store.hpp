// `--store`: the state store vacation and duplicate remember things in
// (docs/STORE.md): "memory" (the default: nothing outlives the command,
// so repeated `sift run`s always reply), "lmdb:PATH" or "redis:HOST:PORT";
// an LMDB or Redis store holds the allow and block lists too (`sift list`).
#pragma once

#include <sift/lists.hpp>
#include <sift/store.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sift::cli {

// Throws usage_error for a malformed spec, store::store_error when the
// store cannot be opened.
std::unique_ptr<store::store> open_state_store(const std::optional<std::string>& spec);

// The configuration a spec names; throws usage_error when it is malformed.
store::store_config store_spec(const std::optional<std::string>& spec);

// The lists kept in the store a spec names (sift::lists::open_list_store),
// or nullptr for "memory" (no lists). Throws as open_state_store.
std::unique_ptr<list_provider> open_store_lists(const std::optional<std::string>& spec);

}  // namespace sift::cli
