// sift-milter --listen inet:PORT@HOST|inet6:PORT@HOST|unix:PATH|fd:N
//             [--protocol sift|libmilter]
//             [--policy default|DIR] [--scripts DIR] [--store STORE]
//             [--authserv-id ID]... [--config FILE] [--metrics HOST:PORT]
//             [--reload-poll SECONDS] ...
// In the foreground (systemd, a test): one JSON line per message on stderr.
// Reloads the configuration and policy on SIGUSR1, POST /reload and a
// change of their files, without dropping a connection.
// docs/MILTER.md says how to run it next to Postfix.
#include "callbacks.hpp"
#include "control.hpp"
#include "engine.hpp"
#include "libmilter.hpp"
#include "notify.hpp"
#include "server.hpp"

#include <libmilter/mfapi.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

namespace {

constexpr int backlog = 4096;  // MILTER-NOTES.md: a full unix-socket backlog is a tempfail in Postfix

struct control_options {
    std::optional<sift::milter::listen_address> metrics;
    int reload_poll = 2;  // seconds; 0: no polling
};

// The reload triggers and the metrics endpoint, beside the connections,
// until the daemon stops.
struct controls {
    controls(sift::milter::engine& e, const control_options& control,
             std::initializer_list<int> reload_signals)
        : on_signal(e, reload_signals) {
        if (control.reload_poll > 0) watcher.emplace(e, std::chrono::seconds(control.reload_poll));
        if (control.metrics) {
            metrics.emplace(e, *control.metrics);
            sift::milter::log_line(
                "sift-milter: metrics on http://" +
                (control.metrics->v6 ? "[" + control.metrics->host + "]" : control.metrics->host) + ":" +
                std::to_string(metrics->port()) + "/metrics");
        }
    }
    sift::milter::signal_reloader on_signal;
    std::optional<sift::milter::file_watcher> watcher;
    std::optional<sift::milter::metrics_server> metrics;
};

// Sift's own protocol loop (server.hpp): SIGTERM and SIGINT stop it,
// taken by a thread of their own (block_signals blocked them everywhere);
// messages under way are finished first. SIGHUP reloads, as SIGUSR1 does
// (the daemons beside it, Postfix and rspamd, reload on SIGHUP).
int serve_own(const sift::milter::server_options& options, sift::milter::engine& e,
              const control_options& control) {
    sift::milter::milter_server server(e, options);
    controls running(e, control, {SIGUSR1, SIGHUP});
    std::jthread on_stop([&server](std::stop_token stop) {
        sigset_t set;
        sigemptyset(&set);
        for (int sig : {SIGTERM, SIGINT}) sigaddset(&set, sig);
        timespec wait{0, 200'000'000};
        while (!stop.stop_requested()) {
            int sig = sigtimedwait(&set, nullptr, &wait);
            if (sig > 0) {
                std::string why =
                    std::string(strsignal(sig)) + ": stopping once the messages under way are done";
                sift::milter::log_line("sift-milter: " + why);
                sift::milter::systemd::stopping(why);
                server.stop();
                return;
            }
        }
    });
    sift::milter::systemd::watchdog alive;
    sift::milter::log_line("sift-milter: listening on " + options.listen + " (sift protocol loop)");
    sift::milter::systemd::ready("listening on " + options.listen);
    server.run();
    sift::milter::log_line("sift-milter: stopped");
    return 0;
}

int serve_libmilter(const std::string& listen, sift::milter::engine& e, const control_options& control) {
    std::string conn;
    bool unix_socket = listen.starts_with("unix:") || listen.starts_with("local:");
    if (listen.starts_with("inet:") || listen.starts_with("inet6:"))
        // A socket of ours with TCP_NODELAY (accepted sockets inherit it),
        // handed to libmilter as fd:N: libmilter's own TCP socket leaves
        // Nagle on, and each end-of-message edit is a small write, about
        // 40 ms per edited message against delayed ACKs (MILTER-NOTES.md).
        conn = "fd:" + std::to_string(sift::milter::tcp_listener(listen, backlog));
    else if (unix_socket)
        conn = listen;
    else
        throw std::runtime_error("--listen takes inet:PORT@HOST, inet6:PORT@HOST or unix:PATH, not " +
                                 listen);
    smfiDesc desc = sift::milter::filter_description(e, !unix_socket);
    if (smfi_register(desc) != MI_SUCCESS) throw std::runtime_error("smfi_register failed");
    if (smfi_setconn(conn.data()) != MI_SUCCESS) throw std::runtime_error("smfi_setconn " + conn + " failed");
    if (smfi_setbacklog(backlog) != MI_SUCCESS) throw std::runtime_error("smfi_setbacklog failed");
    // A unix socket left by a previous run is removed (true).
    if (smfi_opensocket(unix_socket) != MI_SUCCESS) throw std::runtime_error("cannot listen on " + listen);
    // The reload triggers and the metrics endpoint run beside libmilter's
    // threads until smfi_main returns (SIGTERM, SIGHUP), then stop.
    controls running(e, control, {SIGUSR1});
    sift::milter::systemd::watchdog alive;
    sift::milter::log_line("sift-milter: listening on " + listen + " (" + conn + ", libmilter)");
    sift::milter::systemd::ready("listening on " + listen + " (libmilter)");
    // smfi_main owns SIGHUP, SIGTERM (both: stop) and SIGINT (abort);
    // SIGUSR1 (reload) is blocked in every thread and taken by on_signal.
    int rc = smfi_main() == MI_SUCCESS ? 0 : 1;
    sift::milter::systemd::stopping("libmilter stopped");
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"sift-milter: the Sift policy inside Postfix (docs/MILTER.md)", "sift-milter"};
    std::string listen;
    sift::milter::settings s;
    app.add_option("--listen", listen,
                   "where the MTA connects: inet:PORT@HOST, inet6:PORT@HOST, unix:PATH or fd:N (a listening "
                   "socket)")
        ->required();
    std::string protocol = "sift";
    app.add_option("--protocol", protocol,
                   "who speaks the milter protocol: sift (Sift's own loop, a pool of connection threads) or "
                   "libmilter (Debian's libmilter, to compare; docs/MILTER.md)")
        ->check(CLI::IsMember({"sift", "libmilter"}))
        ->capture_default_str();
    sift::milter::server_options server;
    app.add_option("--max-connections", server.max_connections,
                   "MTA connections served at once (sift protocol); more wait in the listen backlog")
        ->check(CLI::Range(std::size_t(1), std::size_t(100000)))
        ->capture_default_str();
    int timeout = 7210;
    app.add_option("--timeout", timeout,
                   "seconds a connection may send nothing before it is closed (sift protocol)")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    app.add_option("--policy", s.policy,
                   "DIR/before.sieve and DIR/after.sieve around each user's script; "
                   "default: the bundled policy (docs/POLICY.md)")
        ->type_name("default|DIR")
        ->capture_default_str();
    app.add_option("--scripts", s.scripts_dir, "the users' scripts: DIR/<domain>/<localpart>.sieve")
        ->type_name("DIR");
    app.add_option("--store", s.store,
                   "vacation's and duplicate's memory and the lists: "
                   "memory, lmdb:PATH or redis:HOST[:PORT]")
        ->type_name("STORE")
        ->capture_default_str();
    app.add_option("--authserv-id", s.authserv_ids,
                   "believe Authentication-Results written by ID (repeatable; default none)")
        ->type_name("ID");
    std::string srs_domain;
    std::vector<std::string> srs_secret_files, srs_exclude;
    app.add_option("--srs-domain", srs_domain,
                   "rewrite the envelope sender of mail redirected off-domain into DOMAIN (SRS, "
                   "as postsrsd writes it; docs/MILTER.md)")
        ->type_name("DOMAIN");
    app.add_option("--srs-secret-file", srs_secret_files,
                   "the SRS secret, the file's first line (repeatable: the first signs, all verify)")
        ->type_name("FILE")
        ->check(CLI::ExistingFile);
    app.add_option("--srs-exclude", srs_exclude,
                   "a local domain: redirects to it and senders in it are not rewritten (repeatable)")
        ->type_name("DOMAIN");
    std::string relay, spool;
    app.add_option("--relay", relay,
                   "send vacation replies and notifications to this SMTP relay, the local MTA "
                   "(smtp://HOST:PORT/EHLO-NAME: a name this milter's HELO check accepts), from the "
                   "outbox --spool")
        ->type_name("URL");
    app.add_option("--spool", spool, "the outbox's directory: what is not sent yet survives a restart")
        ->type_name("DIR");
    int relay_retry = 30;
    app.add_option("--relay-retry", relay_retry,
                   "seconds before the first retry when the relay is down or answers 4xx (then doubling, "
                   "up to an hour; given up after 5 days)")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    app.add_option("--max-recipients", s.limits.max_recipients,
                   "recipients per message; the next gets 452 4.5.3 Too many recipients")
        ->check(CLI::Range(1u, 100000u))
        ->capture_default_str();
    app.add_option("--max-size", s.limits.max_message_size,
                   "bytes per message (SIZE= and actual; 0: no limit); above: 552 5.3.4")
        ->capture_default_str();
    app.add_option("--banned-helo", s.limits.banned_helo,
                   "a HELO name refused besides the bogus ones, e.g. the site's own (repeatable)")
        ->type_name("NAME");
    bool accept_bogus_helo = false, accept_8bit = false, no_rcpt_lists = false;
    app.add_flag("--accept-bogus-helo", accept_bogus_helo,
                 "let HELO names that are not fully qualified, IP literals or localhost through");
    app.add_flag("--accept-8bit-headers", accept_8bit,
                 "let raw 8-bit header bytes through in mail sent without SMTPUTF8 (--8bit-headers accept)");
    std::string eight_bit;
    app.add_option("--8bit-headers", eight_bit,
                   "raw 8-bit header bytes in mail sent without SMTPUTF8: refuse (550 5.6.7, the default), "
                   "score (the policy's HEADER_8BIT_NO_SMTPUTF8) or accept")
        ->check(CLI::IsMember({"refuse", "score", "accept"}))
        ->type_name("WHAT");
    app.add_flag("--no-rcpt-block-lists", no_rcpt_lists,
                 "do not refuse a blocked sender at RCPT; the policy decides at end-of-message");
    std::string user_scripts_need;
    app.add_option("--user-scripts-need", user_scripts_need,
                   "the most a user's script may read: envelope, headers or body (default); a script "
                   "reading more is not used, and the MTA is asked for no more (no body)")
        ->check(CLI::IsMember({"envelope", "headers", "body"}))
        ->type_name("WHAT");
    app.add_option("--quarantine-folder", s.quarantine_folder,
                   "a folder that means the MTA's hold queue: a message filed into it is quarantined "
                   "(smfi_quarantine) for the postmaster to release or delete")
        ->type_name("NAME");
    std::string authenticated = "submission";
    app.add_option("--authenticated", authenticated,
                   "mail from a sender who logged in (SMTP AUTH, the MTA's {auth_authen}): submission "
                   "(no bogus-HELO check, the policy's inbound spam rules and score fields skipped; "
                   "attachments, size, recipients and block lists still checked) or inbound (as anyone's)")
        ->check(CLI::IsMember({"submission", "inbound"}))
        ->type_name("WHAT")
        ->capture_default_str();
    app.add_option("--local-mailers", s.local_mailers,
                   "the {rcpt_mailer} values (Postfix transports, Sendmail mailers) that deliver into "
                   "this site's mailboxes, comma-separated; kept mail to user+detail@ there goes to "
                   "user@ (ORCPT kept); none: no recipient is rewritten")
        ->delimiter(',')
        ->type_name("LIST")
        ->capture_default_str();
    std::string config_path;
    app.add_option("--config", config_path,
                   "the site's configuration (TOML, docs/CONFIG.md): policy, store, thresholds, folders, "
                   "trusted authserv-ids, limits; the options above override it")
        ->type_name("FILE");
    control_options control;
    std::string metrics_spec;
    bool metrics_allow_remote = false;
    app.add_option("--metrics", metrics_spec,
                   "serve GET /metrics (Prometheus) and POST /reload over HTTP here: 127.0.0.1:PORT or "
                   "[::1]:PORT (loopback only unless --metrics-allow-remote)")
        ->type_name("HOST:PORT");
    app.add_flag("--metrics-allow-remote", metrics_allow_remote,
                 "let --metrics listen on an address that is not loopback (no authentication: firewall it)");
    app.add_option("--reload-poll", control.reload_poll,
                   "seconds between looks at the configuration and policy files; a change reloads them "
                   "(0: only SIGUSR1 and POST /reload do)")
        ->check(CLI::Range(0, 3600))
        ->capture_default_str();
    try {
        app.parse(argc, argv);
        if (!config_path.empty()) {
            s.site = sift::load_config(config_path);  // config_error: FILE:LINE:COLUMN: error: ...
            s.config_path = config_path;
            s.policy_from_site = app.get_option("--policy")->count() == 0;
            s.store_from_site = app.get_option("--store")->count() == 0;
        }
        if (!metrics_spec.empty())
            control.metrics = sift::milter::parse_metrics_address(metrics_spec, metrics_allow_remote);
        s.limits.refuse_bogus_helo = !accept_bogus_helo;
        if (accept_8bit && !eight_bit.empty() && eight_bit != "accept")
            throw std::invalid_argument("--accept-8bit-headers and --8bit-headers " + eight_bit +
                                        " disagree");
        if (accept_8bit) eight_bit = "accept";
        s.limits.refuse_8bit_headers = eight_bit.empty() || eight_bit == "refuse";
        s.limits.score_8bit_headers = eight_bit == "score";
        s.rcpt_block_lists = !no_rcpt_lists;
        s.authenticated_submission = authenticated == "submission";
        if (s.local_mailers == std::vector<std::string>{"none"}) s.local_mailers.clear();
        if (!user_scripts_need.empty()) s.user_scripts_need = sift::milter::parse_needs(user_scripts_need);
        if (relay.empty() != spool.empty()) throw std::invalid_argument("--relay and --spool go together");
        if (!relay.empty()) {
            // The relay is the local MTA, whose smtpd may well run this
            // milter: a reply sent with a HELO name the milter refuses would
            // be refused with 550 and dropped, every time.
            auto helo = sift::milter::relay_helo(relay);
            if (auto why = sift::milter::check_helo(helo, s.limits) ? sift::milter::bogus_helo(helo, s.limits)
                                                                    : std::nullopt)
                throw std::invalid_argument("--relay " + relay + ": the outbox would say EHLO " + helo +
                                            ", which this milter's HELO check refuses (" + *why +
                                            "); give a fully qualified name as smtp://HOST:PORT/NAME");
            s.outbox = sift::milter::outbox_config{
                .relay = relay, .spool = spool, .retry_first = std::chrono::seconds(relay_retry)};
        }
        if (!srs_domain.empty() || !srs_secret_files.empty())
            s.srs = sift::milter::read_srs_config(srs_domain, srs_secret_files, srs_exclude);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    } catch (const std::exception& e) {
        std::cerr << "sift-milter: " << e.what() << "\n";
        return 2;
    }
    try {
        // Before any thread starts (the outbox's, libmilter's, the
        // server's): only the reload thread takes SIGUSR1, only the stop
        // thread (or smfi_main's) SIGTERM.
        sift::milter::block_signals();
        sift::milter::engine e(s, sift::milter::log_line);
        // systemd's RELOADING=1 and READY=1 around each reload, whichever
        // trigger (Type=notify).
        e.on_reload([](bool done) {
            if (done)
                sift::milter::systemd::reload_done();
            else
                sift::milter::systemd::reloading();
        });
        if (protocol == "libmilter") {
            if (listen.starts_with("fd:")) throw std::runtime_error("--listen fd:N is for --protocol sift");
            return serve_libmilter(listen, e, control);
        }
        server.listen = listen;
        server.timeout = std::chrono::seconds(timeout);
        return serve_own(server, e, control);
    } catch (const std::exception& e) {
        std::cerr << "sift-milter: " << e.what() << "\n";
        return 1;
    }
}
