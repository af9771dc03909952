// Reading what the commands are given: files or standard input ("-"),
// scripts as Sieve source or bytecode, and `--global-dir`.
#pragma once

#include <CLI/CLI.hpp>
#include <sift/script.hpp>

#include <optional>
#include <string>

namespace sift::cli {

// "-" is standard input.
inline bool is_stdin(const std::string& path) {
    return path == "-";
}

// How messages name an input: the path, or "<stdin>".
std::string input_name(const std::string& path);

// The bytes of a file, or of standard input for "-". Throws io_error with
// the system's reason ("m.eml: No such file or directory"); a directory is
// an error ("Is a directory"), not an empty file.
std::string read_input(const std::string& path);

// Adds `--global-dir DIR` to a command: where `include :global` (RFC 6609)
// finds scripts; `include :personal` looks in the including script's
// directory (the current one for a script from stdin).
void add_global_dir_option(CLI::App& command);
// What --global-dir said ("" when not given).
const std::string& global_include_dir();

// Compiles Sieve source or loads Sift bytecode (told apart by the magic
// bytes). The result may have failed: check ok() and errors().
// `shown_as`: the script's name in messages, instead of the path.
sift::script load_script(const std::string& path, const std::optional<std::string>& shown_as = std::nullopt);

// Prints a script's compile errors on stderr (with `json`, the JSON report
// on stdout); false when it did not compile.
bool compiled_or_report(const sift::script& s, bool json);

}  // namespace sift::cli
