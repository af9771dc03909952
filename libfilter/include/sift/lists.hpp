// Allow and block lists for extlists (RFC 6134): the entry rules every
// list provider follows, the names of Sift's global and per-user lists, and
// the providers (a directory of text files in libsift; LMDB and Redis in
// libsift-store). docs/EXTENSIONS.md (extlists) and docs/STORE.md ("Lists").
//
// Entries. A list holds whole addresses ("anna@example.com") and whole
// domains ("@example.com"; "@.example.com" also matches every subdomain),
// compared case-insensitively (ASCII). A value looked up is turned into its
// keys (lookup_keys): the address itself, "@" and its domain, then "@." and
// the domain and each parent domain, so that a lookup is one hashed probe
// per key and a walk over the domain's labels:
//
//     "Anna@Mail.Example.COM" -> anna@mail.example.com, @mail.example.com,
//                                @.mail.example.com, @.example.com, @.com
//
// Global and per-user lists. A script names
//     tag:sift,2026:allow       tag:sift,2026:block        (global)
//     tag:sift,2026:user/allow  tag:sift,2026:user/block   (the run's user)
// The engine asks the provider for a per-user list under the name
// user_list(user, "allow"): "tag:sift,2026:users/anna@example.com/allow",
// where the user is the run's envelope recipient, lower-cased, without its
// +detail (list_user). Scripts cannot name tag:sift,2026:users/... lists
// themselves (a compile error for a constant name, no match at run time),
// so one user's script never reads another user's list.
#pragma once

#include <sift/export.hpp>
#include <sift/host.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

namespace store {
struct store_config;  // sift/store.hpp
}

namespace lists {

inline constexpr std::string_view global_allow = "tag:sift,2026:allow";
inline constexpr std::string_view global_block = "tag:sift,2026:block";
inline constexpr std::string_view user_allow = "tag:sift,2026:user/allow";
inline constexpr std::string_view user_block = "tag:sift,2026:user/block";
// What scripts write for the run's user ...
inline constexpr std::string_view user_space = "tag:sift,2026:user/";
// ... and what the engine asks providers for (scripts cannot name it).
inline constexpr std::string_view users_space = "tag:sift,2026:users/";

// A malformed entry, a list name that cannot hold entries, a user that is
// not an address: the message says which and why.
class SIFT_API list_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// The canonical form of an entry: "anna@example.com", "@example.com" or
// "@.example.com", lower-cased, a trailing dot of the domain dropped.
// Throws list_error for anything else: empty, spaces or control
// characters, no '@', an empty local part or domain, an empty label
// ("a..b"), a domain holding characters no domain has, longer than 254.
SIFT_API std::string normalize_entry(std::string_view entry);

// The keys under which `value` is found (see above), lower-cased, most
// specific first, without duplicates. `value` may be an address, an
// address in <>, a bare domain ("example.com", as address :domain gives
// it: its domain keys) or any other string (itself, lower-cased: file
// lists may hold values that are not addresses).
SIFT_API std::vector<std::string> lookup_keys(std::string_view value);

// The owner of per-user lists for an envelope recipient: lower-cased, its
// +detail removed (the first of `delimiters` in the local part ends the
// user), <> dropped. "" for an empty or invalid recipient (then the run
// has no per-user lists).
SIFT_API std::string list_user(std::string_view recipient, std::string_view delimiters = "+");

// The provider-side name of `user`'s list `kind` ("allow", "block" or any
// name after tag:sift,2026:user/): "tag:sift,2026:users/<user>/<kind>".
// `user` is normalised as by list_user; throws list_error when it is empty.
SIFT_API std::string user_list(std::string_view user, std::string_view kind);

// The name the engine asks a provider for when a script names `list`
// (canonical, sift/host.hpp) in a run for `user` (list_user): user_list()
// for tag:sift,2026:user/X, the name itself for others, "" (no such list)
// for tag:sift,2026:users/... and for a per-user name without a user.
SIFT_API std::string resolve(std::string_view list, std::string_view user);

// A list provider that can be changed: what `sift list` uses. Every change
// is atomic: a lookup sees a list before or after it, never half of it.
class SIFT_API list_store : public list_provider {
public:
    // Adds the entries (normalised: list_error for a bad one, before
    // anything is changed); says how many were not there yet. Creates the
    // list.
    virtual std::size_t add(std::string_view list, const std::vector<std::string>& entries) = 0;
    // Removes the entries; says how many were there.
    virtual std::size_t remove(std::string_view list, const std::vector<std::string>& entries) = 0;
    // The list becomes exactly `entries` (created if need be).
    virtual void replace(std::string_view list, const std::vector<std::string>& entries) = 0;
    // "lmdb /var/lib/sift/state.mdb", "redis 127.0.0.1:6379".
    virtual std::string describe() const = 0;
};

// The lists kept in the state store `config` names (kind lmdb or redis;
// the same file or server as vacation's and duplicate's records, their own
// keys: docs/STORE.md "Lists"). Lookups that fail throw store::store_error
// (a lookup_error); Redis's are bounded by the configured timeouts.
// Defined in libsift-store.
SIFT_API std::unique_ptr<list_store> open_list_store(const store::store_config& config);

// A directory of text files (sift run --lists DIR): each regular file is a
// list named by its path below the directory ("addrbook:personal" is
// ":addrbook:personal"; "tag:sift,2026:users/anna@example.com/allow" is a
// file "allow" in the directory "tag:sift,2026:users/anna@example.com"),
// one entry per line (blank lines and '#' lines skipped). Address and
// domain entries follow the rules above; any other line is a value compared
// whole, case-insensitively. The files are read into an immutable
// snapshot; reload() reads them again into a new one and swaps it in
// atomically (runs under way keep the one they started a lookup with).
class SIFT_API file_lists final : public list_provider {
public:
    // Throws std::runtime_error when `dir` cannot be read.
    explicit file_lists(std::string dir);
    ~file_lists() override;
    bool valid(std::string_view list) const override;
    bool contains(std::string_view list, std::string_view value) const override;
    std::vector<std::string> members(std::string_view list) const override;
    // Throws std::runtime_error when the directory cannot be read (the old
    // snapshot stays).
    void reload();

private:
    struct snapshot;
    std::string dir_;
    std::atomic<std::shared_ptr<const snapshot>> snapshot_;
};

}  // namespace lists
}  // namespace sift
