// sift: the command-line tool (README.md, "The sift tool"). Each command is
// in a file of its own (check, compile, dump, run, filter); this file puts
// them on one CLI11 app and turns every failure into an exit status:
//   0 ok, 1 a script did not compile, 2 usage or I/O error, 3 runtime error
// (`sift check` and `sift filter` document their own use of these).
#include "commands.hpp"

#include <sift/config.hpp>
#include <sift/json.hpp>
#include <sift/store.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace {

constexpr const char* footer = R"(
SCRIPT and FILE may be Sieve source or Sift bytecode; - reads standard input.
Every command takes --global-dir DIR: where `include :global` finds scripts
(`include :personal` looks in the including script's directory).
STORE (vacation and duplicate memory): memory (default; forgotten when the
command ends), lmdb:PATH or redis:HOST:PORT.
Exit status: 0 ok, 1 a script did not compile, 2 usage or I/O error,
3 runtime error. `sift help COMMAND` or `sift COMMAND --help` for details.
See README.md.)";

// With --json an error is one JSON object on stdout too, whatever failed
// (options included, so this looks at the words, not at what CLI11 parsed).
bool wants_json(int argc, char** argv) {
    for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i)
        if (!std::strcmp(argv[i], "--json")) return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    // With TZ unset, glibc's mktime and localtime stat /etc/localtime on
    // every call, to notice a change; libarchive converts each zip member's
    // time with mktime, so a scan of an archive made one system call per
    // member. ":/etc/localtime" is the zone TZ unset means, read once.
    // Set here, in the program: the library never touches the environment.
    ::setenv("TZ", ":/etc/localtime", 0);
    CLI::App app{"Sift: compile, check and run Sieve mail filters (RFC 5228).", "sift"};
    app.set_version_flag("--version", std::string("sift ") + SIFT_VERSION);
    app.require_subcommand(1);
    std::vector<sift::cli::command> commands = {
        sift::cli::add_check(app),    sift::cli::add_compile(app),  sift::cli::add_dump(app),
        sift::cli::add_run(app),      sift::cli::add_filter(app),   sift::cli::add_list(app),
        sift::cli::add_config(app),   sift::cli::add_settings(app), sift::cli::add_report(app),
        sift::cli::add_vacation(app), sift::cli::add_eval(app)};
    std::string help_topic;
    auto* help = app.add_subcommand("help", "Describe a command: sift help COMMAND");
    help->add_option("COMMAND", help_topic, "the command to describe");
    app.footer(footer);  // after the commands: theirs would repeat it

    auto known = [&](std::string_view word) {
        auto subcommands = app.get_subcommands([](const CLI::App*) { return true; });
        return std::any_of(subcommands.begin(), subcommands.end(),
                           [&](const CLI::App* c) { return c->get_name() == word; });
    };
    bool json = wants_json(argc, argv);
    std::string name = "sift";  // how errors begin: "sift run: ..."
    if (argc > 1 && known(argv[1])) name += std::string(" ") + argv[1];
    auto fail = [&](std::string_view status, const std::string& message, bool usage) {
        if (json) std::cout << sift::json::error_report(status, message) << "\n";
        std::cerr << name << ": " << message << "\n";
        if (usage)
            std::cerr << "Run 'sift help" << (name == "sift" ? "" : name.substr(4)) << "' for usage.\n";
        return 2;
    };

    if (argc < 2) {
        std::cout << app.help();
        return 2;
    }
    if (argv[1][0] != '-' && !known(argv[1])) {
        fail("usage_error", std::string("unknown command '") + argv[1] + "'", false);
        std::cerr << "\n" << app.help();
        return 2;
    }
    try {
        app.parse(argc, argv);
        if (help->parsed()) {
            if (help_topic.empty()) {  // app.help() would describe `help` itself, now parsed
                std::cout << app.get_formatter()->make_help(&app, "sift", CLI::AppFormatMode::Normal);
                return 0;
            }
            for (const auto& c : commands)
                if (c.app->get_name() == help_topic) {
                    std::cout << c.app->help("sift");
                    return 0;
                }
            name = "sift help";
            return fail("usage_error", "unknown command '" + help_topic + "'", false);
        }
        for (const auto& c : commands)
            if (c.app->parsed()) return c.run();
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        return fail("usage_error", e.what(), true);
    } catch (const sift::cli::usage_error& e) {
        return fail("usage_error", e.what(), true);
    } catch (const sift::cli::io_error& e) {
        return fail("io_error", e.what(), false);
    } catch (const sift::config_error& e) {  // FILE:LINE:COLUMN: error: KEY: why
        return fail("config_error", e.what(), false);
    } catch (const sift::store::store_error& e) {
        return fail("io_error", e.what(), false);
    } catch (const std::exception& e) {
        return fail("error", e.what(), false);
    }
    return 2;  // not reached: require_subcommand(1)
}
