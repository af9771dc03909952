// sift compile [-o OUT] FILE: writes the bytecode of a script (default
// FILE.svbin; `-o -` is stdout). Bytecode given as FILE is verified and
// written again.
#include "commands.hpp"
#include "input.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>

namespace sift::cli {
namespace {

struct compile_options {
    std::string file;
    std::string out;
};

void write_output(const std::string& path, const std::string& bytes) {
    if (is_stdin(path)) {  // "-": standard output
        std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        std::cout.flush();
        if (!std::cout) throw io_error("<stdout>: cannot write");
        return;
    }
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw io_error(path + ": " + std::strerror(errno));
    bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    int error = errno;
    if (std::fclose(f) != 0 && ok) {
        ok = false;
        error = errno;
    }
    if (!ok) throw io_error(path + ": " + std::strerror(error));
}

}  // namespace

command add_compile(CLI::App& sift) {
    auto o = std::make_shared<compile_options>();
    auto* app = sift.add_subcommand("compile", "Write a script's bytecode");
    app->add_option("FILE", o->file, "Sieve source (or bytecode); - for stdin")->required();
    app->add_option("-o,--output", o->out, "where to write it (default FILE.svbin; - for stdout)")
        ->type_name("OUT");
    add_global_dir_option(*app);
    return {app, [o] {
                if (o->out.empty() && is_stdin(o->file))
                    throw usage_error("a script from stdin needs -o OUT (- for stdout)");
                auto s = load_script(o->file);
                if (!s.ok()) {
                    std::cerr << format(s.errors());
                    return 1;
                }
                write_output(o->out.empty() ? o->file + ".svbin" : o->out, s.save());
                return 0;
            }};
}

}  // namespace sift::cli
