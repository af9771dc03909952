#include "input.hpp"

#include "commands.hpp"

#include <sift/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sift::cli {
namespace {

std::string global_dir;  // --global-dir

[[noreturn]] void fail(const std::string& path, int error) {
    throw io_error(input_name(path) + ": " + std::strerror(error));
}

// Everything left on `fd`; a regular file's size is known, a pipe's is not.
std::string read_all(int fd, const std::string& path) {
    std::string out;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) out.reserve(static_cast<std::size_t>(st.st_size));
    char buffer[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0) return out;
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(path, errno);  // EISDIR for a directory on Linux
        }
        out.append(buffer, static_cast<std::size_t>(n));
    }
}

}  // namespace

std::string input_name(const std::string& path) {
    return is_stdin(path) ? "<stdin>" : path;
}

std::string read_input(const std::string& path) {
    if (is_stdin(path)) return read_all(STDIN_FILENO, path);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, errno);
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        fail(path, EISDIR);
    }
    try {
        auto bytes = read_all(fd, path);
        ::close(fd);
        return bytes;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

void add_global_dir_option(CLI::App& command) {
    command.add_option("--global-dir", global_dir, "where `include :global` finds scripts")->type_name("DIR");
}

const std::string& global_include_dir() {
    return global_dir;
}

sift::script load_script(const std::string& path, const std::optional<std::string>& shown_as) {
    std::string bytes = read_input(path);
    std::string name = shown_as ? *shown_as : input_name(path);
    if (is_bytecode(bytes)) return script::load(bytes, name);
    // `include :personal` looks beside the including script.
    auto slash = path.rfind('/');
    std::string dir =
        is_stdin(path) || slash == std::string::npos ? "." : path.substr(0, std::max<std::size_t>(slash, 1));
    directory_script_source scripts(dir, global_dir);
    return script::compile(bytes, name, {}, &scripts);
}

bool compiled_or_report(const sift::script& s, bool json) {
    if (s.ok()) return true;
    if (json)
        std::cout << json::report(s, nullptr) << "\n";
    else
        std::cerr << format(s.errors());
    return false;
}

}  // namespace sift::cli
