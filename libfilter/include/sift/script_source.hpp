// Where `include` (RFC 6609) finds the scripts a script includes. Sift
// resolves includes when compiling: the included scripts' code becomes part
// of the compiled program (bytecode holds all of it), so running needs no
// script store. Pass a source to sift::script::compile.
#pragma once

#include <sift/export.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sift {

class SIFT_API script_source {
public:
    virtual ~script_source() = default;
    // The text of script `name` (as written in the include command, a
    // trailing ".sieve" removed) from the user's personal scripts, or with
    // `global` from the administrator's global ones; nullopt when there is
    // no such script.
    virtual std::optional<std::string> load(std::string_view name, bool global) const = 0;
    // How diagnostics name that script (a path, say).
    virtual std::string display_name(std::string_view name, bool global) const {
        return (global ? "global:" : "") + std::string(name);
    }
};

// Scripts in two directories: `<personal_dir>/<name>.sieve` and
// `<global_dir>/<name>.sieve`. An empty directory means none there.
class SIFT_API directory_script_source final : public script_source {
public:
    directory_script_source(std::string personal_dir, std::string global_dir)
        : personal_(std::move(personal_dir)), global_(std::move(global_dir)) {}
    std::optional<std::string> load(std::string_view name, bool global) const override;
    std::string display_name(std::string_view name, bool global) const override;

private:
    std::string personal_, global_;
};

}  // namespace sift
