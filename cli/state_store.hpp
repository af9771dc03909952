// `--store`: the state store vacation and duplicate remember things in
// (docs/STORE.md): "memory" (the default: nothing outlives the command,
// so repeated `sift run`s always reply), "lmdb:PATH" or "redis:HOST:PORT";
// an LMDB or Redis store holds the allow and block lists too (`sift list`).
#pragma once

#include <sift/store.hpp>

#include <optional>
#include <string>

namespace sift::cli {

// The configuration a spec names (sift::parse_store, default "memory");
// throws usage_error when it is malformed.
store::store_config store_spec(const std::optional<std::string>& spec);

}  // namespace sift::cli
