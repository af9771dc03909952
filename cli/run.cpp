// sift run [--json] [--policy default|DIR] [SCRIPT] MESSAGE: one script (or
// the policy around it) on one message; prints what
// will happen (each action and edit with its script line), or with --json
// the library's report (sift/json.hpp).
#include "commands.hpp"
#include "describe.hpp"
#include "envelope_defaults.hpp"
#include "host.hpp"
#include "input.hpp"
#include "site.hpp"

#include <sift/config.hpp>
#include <sift/json.hpp>
#include <sift/policy.hpp>
#include <sift/settings.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sift::cli {
namespace {

struct run_options {
    bool json = false;
    host_options host;
    std::optional<std::string> policy;
    std::vector<std::string> files;  // SCRIPT MESSAGE, or with --policy [SCRIPT] MESSAGE
};

void print_text(const result& r, const std::string& script_name) {
    for (const auto& a : r.actions) {
        std::cout << describe(a);
        auto n = std::visit([](const auto& x) { return x.script; }, a);
        std::string where = n < r.scripts.size() ? r.scripts[n] + " " : std::string();
        if (const auto* keep = std::get_if<keep_action>(&a); !keep || !keep->implicit)
            std::cout << "  (" << where << "line " << line(a) << ")";
        std::cout << "\n";
    }
    for (const auto& e : r.header_edits) std::cout << describe(e) << "\n";
    for (const auto& e : r.message_edits) std::cout << describe(e) << "  (line " << e.line << ")\n";
    // What the parse could not read as written (docs/MESSAGE.md).
    for (const auto& d : r.defects) std::cout << "defect " << d.name << ": " << d.detail << "\n";
    // vnd.sift.score: each hit, then each category's total.
    for (const auto& h : r.hits) std::cout << describe(h) << "\n";
    for (const auto& c : r.scores) std::cout << describe(c) << "\n";
    for (const auto& e : r.errors) std::cerr << script_name << ": runtime error: " << e << "\n";
}

}  // namespace

command add_run(CLI::App& sift) {
    auto o = std::make_shared<run_options>();
    auto* app = sift.add_subcommand("run", "Run a script on one message and print what will happen");
    app->add_flag("--json", o->json, "print one JSON object on stdout (README: sift run)");
    add_host_options(*app, o->host);
    add_global_dir_option(*app);
    app->add_option("--policy", o->policy,
                    "run DIR/before.sieve, then SCRIPT (if given), then DIR/after.sieve; "
                    "`default`: the bundled policy (docs/POLICY.md); `none`: SCRIPT alone (default: none, "
                    "with --config the configuration's policy.dir)")
        ->type_name("default|DIR|none");
    app->add_option("SCRIPT MESSAGE", o->files,
                    "the Sieve source or Sift bytecode (optional with --policy) and the message "
                    "(RFC 5322); - for stdin")
        ->expected(1, 2)
        ->required();
    return {app, [o] {
                config site = load_site(o->host.config);
                std::optional<std::string> policy_dir = o->policy;
                if (!policy_dir && o->host.config) policy_dir = site.policy_dir;
                if (policy_dir == "none") policy_dir.reset();
                if (o->files.size() == 1 && !policy_dir)
                    throw usage_error("run: SCRIPT and MESSAGE are required");
                std::optional<std::string> script_path;
                if (o->files.size() == 2) script_path = o->files[0];
                const std::string& message_path = o->files.back();
                if (script_path && is_stdin(*script_path) && is_stdin(message_path))
                    throw usage_error("SCRIPT and MESSAGE cannot both be - (stdin)");
                std::optional<script> user;
                if (script_path) {
                    user = load_script(*script_path);
                    if (!compiled_or_report(*user, o->json)) return 1;
                }
                std::optional<sift::policy> policy;
                if (policy_dir) {
                    try {
                        policy = sift::policy::load(*policy_dir, {.global_dir = global_include_dir()});
                    } catch (const policy_error& e) {
                        throw usage_error(std::string("--") + e.what());
                    }
                    for (const auto* s : {policy->before(), policy->after()})
                        if (s && !compiled_or_report(*s, o->json)) return 1;
                }
                auto msg = message::from_raw(read_input(message_path), site.message);
                auto env = envelope_for(msg, o->host.from, o->host.to);
                auto h = open_host(o->host, site, policy_dir || o->host.config);
                // With a policy, the recipient's settings (the configuration's
                // defaults, overlaid by the user's record in the store).
                auto r = policy ? policy->run(session{}, msg, env, h->options, user ? &*user : nullptr, site,
                                              settings_for(site, h->services.state(), env.to))
                                : user->run(msg, env, h->options);
                // The report's compile errors are the user's script's (none: it ran).
                const script& shown = user ? *user : policy->before() ? *policy->before() : *policy->after();
                if (o->json)
                    std::cout << json::report(shown, &r) << "\n";
                else
                    print_text(r, script_path ? input_name(*script_path) : std::string("policy"));
                return r.ok() ? 0 : 3;
            }};
}

}  // namespace sift::cli
