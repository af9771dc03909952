// vnd.dovecot.testsuite, runtime side: the vm::command_host that runs the
// testsuite's call_host operations for one .svtest file, with an in-memory
// mail store, SMTP capture, the testsuite result and error log, and the
// Pigeonhole settings mapped onto Sift's limits.
#pragma once

#include "api/internal.hpp"
#include "vm/exec.hpp"

#include <sift/host.hpp>
#include <sift/message.hpp>
#include <sift/options.hpp>
#include <sift/script_source.hpp>
#include <sift/session.hpp>
#include <sift/store.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sift::conformance {

struct outcome {
    std::vector<std::string> failures;  // "test 'NAME': REASON", in order
    unsigned tests_passed = 0;
    unsigned wording_checks_skipped = 0;  // test_error wording not reproduced
    std::set<std::string> unknown_settings;
    std::vector<std::string> debug_log;  // vnd.dovecot.debug's messages
};

class testsuite_host final : public vm::command_host {
public:
    // `dir`: the directory of the test file (scripts are found from there).
    explicit testsuite_host(std::string dir);

    // The objects the main script runs on; host operations change them.
    const mail::message& message() const { return internal::model(message_); }
    const envelope& env() const { return env_; }
    // The limits, the extensions' settings and the host services (the mail
    // store below, vacation and duplicate memory, the lists).
    const run_options& options() const { return options_; }
    // What the environment test sees (vnd.dovecot.environment's items).
    const session* client() const { return &client_; }

    void call(vm::run_state& s, const vm::instruction& ins) override;

    outcome& result() { return outcome_; }

    // include (RFC 6609): personal scripts in DIR/included, global ones in
    // DIR/included-global, as Pigeonhole's suite lays them out.
    const script_source* scripts() const { return &scripts_; }

private:
    struct mail_item {
        std::string raw;
        envelope env;
    };
    // A message in the mail store, with its IMAP flags (RFC 5232).
    struct stored_mail {
        std::string raw;
        std::vector<std::string> flags;
    };

    // The testsuite result: the main script's own actions (in its
    // run_state) and those of scripts run by test_script_run.
    std::vector<action> actions(const vm::run_state& s) const;
    bool implicit_keep(const vm::run_state& s) const { return s.implicit_keep() && sub_implicit_keep_; }

    std::vector<std::string> strings(const vm::run_state& s, std::uint64_t list) const;
    void set(const std::string& name, const std::string& value);
    void reload_settings();
    bool select_message(vm::run_state& s, const std::vector<std::string>& args, std::uint64_t index);
    bool compile_script(const std::string& path);
    bool run_script(vm::run_state& s, bool append, std::string* edited = nullptr);
    bool append_actions(vm::run_state& s, std::vector<action> added);
    std::vector<action> explicit_actions(sift::result& r);
    bool multiscript(vm::run_state& s, const std::vector<std::string>& paths);
    bool execute(vm::run_state& s, const std::string* original = nullptr);
    void forget_result(vm::run_state& s);
    bool store(const std::string& mailbox, const std::string& raw, std::vector<std::string> flags = {});
    void send(const std::string& to, const std::string& raw);
    std::string redirect_sender() const;
    std::string notify_sender(const notify_action& a) const;
    std::string delivered_message(const vm::run_state& s) const;
    void editheader_setting(const std::string& name, const std::string& value);
    static void forget_header_edits(vm::run_state& s);
    static bool extension_setting(const std::string& name);
    void configure_extensions();
    std::string user_email() const;
    bool redirect_loops() const;
    std::string reject_notice(const std::string& reason, const std::string& eol) const;
    bool match_values(vm::run_state& s, const std::vector<std::string>& values, const vm::instruction& ins);
    bool test_error(vm::run_state& s, const vm::instruction& ins);

    std::string dir_;
    sift::message message_;
    envelope env_;
    run_options options_{.host = &services_};
    eval_limits& limits_ = options_.limits;
    compile_limits compile_limits_{.run = &options_.limits};
    session client_;
    std::map<std::string, std::string> settings_;

    std::string current_test_;
    std::shared_ptr<const vm::program> compiled_;
    std::map<std::string, std::string> binaries_;
    std::vector<action> sub_actions_;
    bool sub_implicit_keep_ = true;
    // The flags of their implicit keep, once a script ran.
    std::optional<std::vector<std::string>> sub_implicit_flags_;
    // How many of actions() the last test_result_execute executed: what a
    // later script adds does not conflict with them (append_actions).
    std::size_t executed_ = 0;
    std::vector<std::string> log_;  // errors of the last compile / run / execute

    std::map<std::string, std::vector<stored_mail>> mailboxes_;
    std::vector<mail_item> smtp_;
    std::map<std::pair<std::string, std::string>, std::string> metadata_;

    outcome outcome_;

    class store_view final : public mailbox_host {
    public:
        explicit store_view(const testsuite_host& h) : h_(h) {}
        bool exists(std::string_view mailbox) const override;
        std::optional<std::string> metadata(std::string_view mailbox, std::string_view entry) const override;
        std::optional<std::string> server_metadata(std::string_view entry) const override;

    private:
        const testsuite_host& h_;
    };
    store_view store_view_{*this};
    // Vacation and duplicate memory for one test file, as Pigeonhole's
    // testsuite keeps it: in memory.
    static std::unique_ptr<store::store> memory_store() {
        store::store_config config;
        config.kind = store::store_kind::memory;
        return store::open_store(config);
    }
    std::unique_ptr<store::store> state_ = memory_store();
    basic_host services_ = [this] {
        basic_host h;
        h.set_mailboxes(&store_view_);
        h.set_state(state_.get());
        return h;
    }();
    std::unique_ptr<list_provider> lists_;
    directory_script_source scripts_{dir_ + "/included", dir_ + "/included-global"};
};

}  // namespace sift::conformance
