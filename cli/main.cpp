// sift: the command-line tool. One function per subcommand; each returns
// the process exit code.
//
//   sift check FILE...                     exit 0 when every file compiles
//   sift compile [-o OUT] FILE             write bytecode (default FILE.svbin)
//   sift dump FILE                         disassemble source or bytecode
//   sift run [--json] [--from A] [--to A] [--store S] [--lists DIR] SCRIPT MESSAGE
//   sift filter --script FILE [--summary] [--jobs N] [--from A] [--to A] [--store S] [--lists DIR] PATH...
#include "commands.hpp"

#include <cstring>
#include <iostream>
#include <string_view>

namespace {

constexpr std::string_view usage = R"(usage:
  sift check FILE...
  sift compile [-o OUT] FILE
  sift dump FILE
  sift run [--json] [--from ADDR] [--to ADDR] [--store STORE] [--lists DIR] SCRIPT MESSAGE
  sift filter --script FILE [--summary] [--jobs N] [--from ADDR] [--to ADDR] [--store STORE] [--lists DIR] PATH...

Any command takes --global-dir DIR: where `include :global` finds scripts
(`include :personal` looks in the including script's directory).
STORE (vacation and duplicate memory): memory (default; forgotten when the
command ends), lmdb:PATH or redis:HOST:PORT.
SCRIPT and FILE may be Sieve source or Sift bytecode. PATH is an mbox file,
a Maildir or a directory of .eml files. See README.md for details.
)";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help")) {
        std::cout << usage;
        return argc < 2 ? 2 : 0;
    }
    std::string_view cmd = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    // --global-dir DIR (any command): the global scripts for include.
    for (auto it = args.begin(); it != args.end(); ++it)
        if (*it == "--global-dir" && it + 1 != args.end()) {
            sift::cli::set_global_dir(*(it + 1));
            args.erase(it, it + 2);
            break;
        }
    try {
        if (cmd == "check") return sift::cli::cmd_check(args);
        if (cmd == "compile") return sift::cli::cmd_compile(args);
        if (cmd == "dump") return sift::cli::cmd_dump(args);
        if (cmd == "run") return sift::cli::cmd_run(args);
        if (cmd == "filter") return sift::cli::cmd_filter(args);
    } catch (const sift::cli::usage_error& e) {
        std::cerr << "sift " << cmd << ": " << e.what() << "\n\n" << usage;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "sift " << cmd << ": " << e.what() << "\n";
        return 2;
    }
    std::cerr << "sift: unknown command '" << cmd << "'\n\n" << usage;
    return 2;
}
