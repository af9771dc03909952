// The `sift` subcommands, one file each (check.cpp, compile.cpp, dump.cpp,
// run.cpp, filter.cpp, eval.cpp, ...); main.cpp assembles them on CLI11. Each add_*
// registers its options on the top-level app and returns what to run when
// the command line named it.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>

namespace sift::cli {

// A command line CLI11 accepted but that still makes no sense ("two
// scripts from stdin"): exit status 2, like CLI11's own errors.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A file that cannot be read or written, with the system's reason: exit 2.
struct io_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct command {
    CLI::App* app = nullptr;
    std::function<int()> run;  // returns the exit status
};

command add_check(CLI::App& sift);
command add_compile(CLI::App& sift);
command add_dump(CLI::App& sift);
command add_run(CLI::App& sift);
command add_filter(CLI::App& sift);
command add_list(CLI::App& sift);
command add_eval(CLI::App& sift);
command add_config(CLI::App& sift);
command add_settings(CLI::App& sift);
command add_report(CLI::App& sift);
command add_vacation(CLI::App& sift);

}  // namespace sift::cli
