// sift dump FILE: disassembles source or bytecode.
#include "commands.hpp"
#include "input.hpp"

#include <iostream>
#include <memory>

namespace sift::cli {

command add_dump(CLI::App& sift) {
    auto file = std::make_shared<std::string>();
    auto* app = sift.add_subcommand("dump", "Disassemble a script: address, line, opcode, operands");
    app->add_option("FILE", *file, "Sieve source or Sift bytecode; - for stdin")->required();
    add_global_dir_option(*app);
    return {app, [file] {
                auto s = load_script(*file);
                if (!s.ok()) {
                    std::cerr << format(s.errors());
                    return 1;
                }
                std::cout << s.dump();
                return 0;
            }};
}

}  // namespace sift::cli
