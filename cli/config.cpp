// sift config check FILE... | show [--config FILE]: the site's
// configuration (sift/config.hpp, docs/CONFIG.md).
//
//   check FILE...  reads each file as sift run --config would: "FILE: ok",
//                  or its first error as FILE:LINE:COLUMN: error: KEY: why
//                  (exit 2)
//   show           the effective configuration, every key with its value,
//                  as TOML (the defaults without --config)
#include "commands.hpp"
#include "site.hpp"

#include <iostream>
#include <memory>

namespace sift::cli {
namespace {

struct config_options {
    std::string action;
    std::vector<std::string> files;
    site_options site;
};

int run_config(const config_options& o) {
    if (o.action == "check") {
        if (o.files.empty()) throw usage_error("check takes at least one FILE");
        if (o.site.config) throw usage_error("check takes its files as arguments, not --config");
        int status = 0;
        for (const auto& f : o.files) {
            try {
                (void)load_config(f);
                std::cout << f << ": ok\n";
            } catch (const config_error& e) {
                std::cerr << e.what() << "\n";
                status = 2;
            }
        }
        return status;
    }
    if (o.action == "show") {
        if (!o.files.empty()) throw usage_error("show takes no FILE: give --config FILE");
        std::cout << format_config(load_site(o.site));
        return 0;
    }
    throw usage_error("the action is check or show, not '" + o.action + "'");
}

}  // namespace

command add_config(CLI::App& sift) {
    auto o = std::make_shared<config_options>();
    auto* app =
        sift.add_subcommand("config", "Check a configuration file, or show the effective configuration");
    app->add_option("ACTION", o->action, "check FILE... or show")->required();
    app->add_option("FILE", o->files, "check: the configuration files");
    add_site_options(*app, o->site, false);
    return {app, [o] { return run_config(*o); }};
}

}  // namespace sift::cli
