// sift run [--json] SCRIPT MESSAGE: one script on one message; prints what
// will happen (each action and edit with its script line), or with --json
// the library's report (sift/json.hpp).
#include "commands.hpp"
#include "describe.hpp"
#include "envelope_defaults.hpp"
#include "host.hpp"
#include "input.hpp"

#include <sift/json.hpp>

#include <iostream>
#include <memory>

namespace sift::cli {
namespace {

struct run_options {
    bool json = false;
    host_options host;
    std::string script, message;
};

void print_text(const result& r, const std::string& script_name) {
    for (const auto& a : r.actions) {
        std::cout << describe(a);
        if (const auto* keep = std::get_if<keep_action>(&a); !keep || !keep->implicit)
            std::cout << "  (line " << line(a) << ")";
        std::cout << "\n";
    }
    for (const auto& e : r.header_edits) std::cout << describe(e) << "\n";
    for (const auto& e : r.message_edits) std::cout << describe(e) << "  (line " << e.line << ")\n";
    // What the parse could not read as written (docs/MESSAGE.md).
    for (const auto& d : r.defects) std::cout << "defect " << d.name << ": " << d.detail << "\n";
    for (const auto& e : r.errors) std::cerr << script_name << ": runtime error: " << e << "\n";
}

}  // namespace

command add_run(CLI::App& sift) {
    auto o = std::make_shared<run_options>();
    auto* app = sift.add_subcommand("run", "Run a script on one message and print what will happen");
    app->add_flag("--json", o->json, "print one JSON object on stdout (README: sift run)");
    add_host_options(*app, o->host);
    add_global_dir_option(*app);
    app->add_option("SCRIPT", o->script, "Sieve source or Sift bytecode; - for stdin")->required();
    app->add_option("MESSAGE", o->message, "the message (RFC 5322); - for stdin")->required();
    return {app, [o] {
                if (is_stdin(o->script) && is_stdin(o->message))
                    throw usage_error("SCRIPT and MESSAGE cannot both be - (stdin)");
                auto s = load_script(o->script);
                if (!s.ok()) {
                    if (o->json)
                        std::cout << json::report(s, nullptr) << "\n";
                    else
                        std::cerr << format(s.errors());
                    return 1;
                }
                auto msg = message::from_raw(read_input(o->message));
                auto env = envelope_for(msg, o->host.from, o->host.to);
                auto h = open_host(o->host);
                auto r = s.run(msg, env, h->options);
                if (o->json)
                    std::cout << json::report(s, &r) << "\n";
                else
                    print_text(r, input_name(o->script));
                return r.ok() ? 0 : 3;
            }};
}

}  // namespace sift::cli
