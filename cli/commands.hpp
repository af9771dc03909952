#pragma once

#include <sift/script.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace sift::cli {

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

int cmd_check(const std::vector<std::string>& args);
int cmd_compile(const std::vector<std::string>& args);
int cmd_dump(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_filter(const std::vector<std::string>& args);

// Reads a file whole; throws std::runtime_error naming the file.
std::string read_file(const std::string& path);
// `include :global` (RFC 6609) reads scripts from this directory
// (--global-dir); `include :personal` from the including script's.
void set_global_dir(std::string dir);
sift::script compile_script(const std::string& source, const std::string& path);
// Compiles source or loads bytecode, by the file's first bytes.
sift::script load_script(const std::string& path);

// One line describing the actions of a result ("fileinto \"Spam\"; keep").
std::string describe(const sift::result& r);

}  // namespace sift::cli
