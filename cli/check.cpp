// sift check FILE...: compiles each file (source, or bytecode, which is
// verified); exit 0 when all are good, 1 when one does not compile, 2 when
// one cannot be read.
#include "commands.hpp"
#include "input.hpp"

#include <algorithm>
#include <iostream>
#include <memory>

namespace sift::cli {

command add_check(CLI::App& sift) {
    auto files = std::make_shared<std::vector<std::string>>();
    auto* app = sift.add_subcommand("check", "Compile each script and report every error and warning");
    app->add_option("FILE", *files, "Sieve source or Sift bytecode; - for stdin")->required();
    add_global_dir_option(*app);
    return {app, [files] {
                int status = 0;
                for (const auto& path : *files) {
                    try {
                        auto s = load_script(path);
                        std::cerr << format(s.warnings());
                        if (!s.ok()) {
                            std::cerr << format(s.errors());
                            status = std::max(status, 1);
                        }
                    } catch (const io_error& e) {  // the other files are still checked
                        std::cerr << "sift check: " << e.what() << "\n";
                        status = 2;
                    }
                }
                return status;
            }};
}

}  // namespace sift::cli
