// The host interface (sift/host.hpp): one clock every extension reads,
// the services a run asks, and lookups that fail as lookups.
#include "ext/state_test_support.hpp"
#include "test_support.hpp"

#include <sift/host.hpp>
#include <sift/store.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace sift::testing {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// Fri, 02 Jan 2026 03:04:05 +0000
const host::time_point frozen = sys_days{year{2026} / 1 / 2} + 3h + 4min + 5s;

const char* const plain_message =
    "From: Anna <anna@example.com>\r\n"
    "To: rcpt@example.net\r\n"
    "Subject: hello\r\n"
    "Message-ID: <one@example.com>\r\n"
    "\r\n"
    "text\r\n";

// A host with a frozen clock and a memory store that runs on it.
struct frozen_host : ::testing::Test {
    basic_host host;
    std::unique_ptr<store::store> state;
    run_options options{.host = &host};

    void SetUp() override {
        host.freeze(frozen);
        store::store_config config;
        config.kind = store::store_kind::memory;
        config.clock = host.clock();
        state = store::open_store(config);
        host.set_state(state.get());
    }
    result run_script(std::string_view source, std::string raw = plain_message) {
        auto s = compiled(source);
        return s.run(message::from_raw(std::move(raw)), default_envelope(), options);
    }
    std::string outcome(std::string_view source) { return summary(run_script(source)); }
};

std::string header_of(const std::string& data, const std::string& name) {
    auto at = data.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "(none)";
    at += name.size() + 4;
    return data.substr(at, data.find("\r\n", at) - at);
}

TEST_F(frozen_host, currentdate_reads_the_host_clock) {
    EXPECT_EQ(
        outcome(
            "require [\"date\", \"fileinto\"];\n"
            "if currentdate :zone \"+0000\" \"iso8601\" \"2026-01-02T03:04:05+00:00\" { fileinto \"now\"; }"),
        "fileinto:now");
    host.advance(24h);
    EXPECT_EQ(outcome("require [\"date\", \"fileinto\"];\n"
                      "if currentdate :zone \"+0000\" \"date\" \"2026-01-03\" { fileinto \"tomorrow\"; }"),
              "fileinto:tomorrow");
}

// The date test compares the header's date, so a frozen clock changes
// nothing there; the :zone it converts to is still applied.
TEST_F(frozen_host, date_reads_the_header_not_the_clock) {
    std::string raw = std::string("Date: Mon, 23 Nov 2026 07:00:00 +0000\r\n") + plain_message;
    auto r = run_script(
        "require [\"date\", \"fileinto\"];\n"
        "if date :zone \"+0100\" \"date\" \"date\" \"2026-11-23\" { fileinto \"header\"; }\n"
        "if currentdate :zone \"+0000\" \"year\" \"2026\" { fileinto \"clock\"; }",
        raw);
    EXPECT_EQ(summary(r), "fileinto:header; fileinto:clock");
}

TEST_F(frozen_host, vacation_dates_its_reply_and_its_period_by_the_host_clock) {
    auto script = "require [\"vacation\"]; vacation :days 2 \"away\";";
    auto r = run_script(script);
    ASSERT_TRUE(r.ok()) << r.errors.front();
    const auto& reply = as<vacation_action>(r.actions.front());
    ASSERT_TRUE(reply.outgoing);
    EXPECT_EQ(header_of(reply.outgoing->data, "Date"), "Fri, 02 Jan 2026 03:04:05 +0000");
    host.advance(2 * 24h - 1s);
    EXPECT_FALSE(
        as<vacation_action>(run_script(script).actions.front()).outgoing);  // still within the period
    host.advance(1s);
    EXPECT_TRUE(
        as<vacation_action>(run_script(script).actions.front()).outgoing);  // over by the host's clock
}

TEST_F(frozen_host, duplicate_expiry_follows_the_host_clock) {
    auto script = "require [\"duplicate\", \"fileinto\"]; if duplicate :seconds 60 { fileinto \"dup\"; }";
    EXPECT_EQ(outcome(script), "keep*");
    host.advance(59s);
    EXPECT_EQ(outcome(script), "fileinto:dup");
    host.advance(60s);  // 60 s after the first (the second did not renew it)
    EXPECT_EQ(outcome(script), "keep*");
}

TEST_F(frozen_host, notify_and_enclose_date_their_messages_by_the_host_clock) {
    auto r = run_script("require [\"enotify\"]; notify \"mailto:bob@example.org\";");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    const auto& notification = as<notify_action>(r.actions.front());
    ASSERT_TRUE(notification.outgoing);
    EXPECT_EQ(header_of(notification.outgoing->data, "Date"), "Fri, 02 Jan 2026 03:04:05 +0000");
    r = run_script("require [\"enclose\"]; enclose \"wrapped\";");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    ASSERT_TRUE(r.message);
    EXPECT_EQ(header_of("\r\n" + r.message->data, "Date"), "Fri, 02 Jan 2026 03:04:05 +0000");
}

TEST_F(frozen_host, a_store_that_fails_is_a_lookup_failure_not_a_script_error) {
    failing_store down;  // tests/ext/state_test_support.hpp
    host.set_state(&down);
    std::vector<std::string> log;
    host.set_log(&log);
    auto r = run_script("require [\"duplicate\", \"fileinto\"]; if duplicate { fileinto \"dup\"; }");
    EXPECT_EQ(r.status, run_status::lookup_failed);
    EXPECT_TRUE(r.lookup_failed());
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");  // RFC 5228 §2.10.6, as for a runtime error
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("duplicate: state store: redis 127.0.0.1:1"), std::string::npos)
        << r.errors[0];
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0], "error: lookup failed: " + r.errors[0]);
    // The script's own error stays a runtime error, and is not logged.
    host.set_state(state.get());
    r = run_script("require \"ihave\"; error \"boom\";");
    EXPECT_EQ(r.status, run_status::runtime_error);
    EXPECT_EQ(log.size(), 1u);
}

// What a missing service is: the host's configuration, not a lookup.
TEST_F(frozen_host, a_missing_service_is_a_runtime_error) {
    host.set_state(nullptr);
    auto r = run_script("require \"vacation\"; vacation \"away\";");
    EXPECT_EQ(r.status, run_status::runtime_error);
    EXPECT_NE(r.errors[0].find("sift::host::state"), std::string::npos) << r.errors[0];
}

struct throwing_lists : list_provider {
    bool valid(std::string_view) const override { throw std::runtime_error("ldap: timeout after 500 ms"); }
    bool contains(std::string_view, std::string_view) const override {
        throw std::runtime_error("ldap: timeout after 500 ms");
    }
    std::vector<std::string> members(std::string_view) const override {
        throw std::runtime_error("ldap: timeout after 500 ms");
    }
};

struct throwing_mailboxes : mailbox_host {
    bool exists(std::string_view) const override { throw lookup_error("imap: connection reset"); }
};

TEST_F(frozen_host, list_and_mail_store_errors_are_lookup_failures) {
    throwing_lists lists;
    host.set_lists(&lists);
    auto r = run_script(
        "require [\"extlists\", \"fileinto\"];\n"
        "if address :list \"from\" \":addrbook:personal\" { fileinto \"known\"; }");
    EXPECT_EQ(r.status, run_status::lookup_failed);
    EXPECT_NE(r.errors[0].find("extlists: list ':addrbook:personal': ldap: timeout"), std::string::npos)
        << r.errors[0];
    EXPECT_EQ(run_script("require \"extlists\"; if valid_ext_list \":addrbook:x\" { discard; }").status,
              run_status::lookup_failed);
    EXPECT_EQ(run_script("require \"extlists\"; redirect :list \":addrbook:x\";").status,
              run_status::lookup_failed);

    throwing_mailboxes boxes;
    host.set_mailboxes(&boxes);
    r = run_script("require \"mailbox\"; if mailboxexists \"Spam\" { discard; }");
    EXPECT_EQ(r.status, run_status::lookup_failed);
    EXPECT_NE(r.errors[0].find("mailboxexists: imap: connection reset"), std::string::npos) << r.errors[0];
}

TEST_F(frozen_host, the_host_score_comes_before_the_headers) {
    host.set_score([](score_test t) -> std::optional<double> {
        if (t == score_test::spam) return 0.5;
        return std::nullopt;  // no virus verdict of its own: the headers decide
    });
    options.virustest.status_header = "X-Virus";
    options.virustest.max_value = 5;
    std::string raw = std::string("X-Virus: 5\r\n") + plain_message;
    auto r = run_script(
        "require [\"spamtest\", \"virustest\", \"fileinto\", \"relational\"];\n"
        "if spamtest :value \"eq\" \"5\" { fileinto \"half\"; }\n"
        "if virustest :value \"eq\" \"5\" { fileinto \"infected\"; }",
        raw);
    EXPECT_EQ(summary(r), "fileinto:half; fileinto:infected");
}

// One parsed message, several recipients, one session: no re-parsing, and
// the session's login is the envelope's "auth" when the envelope has none.
TEST(session, one_message_many_recipients) {
    auto s = compiled(
        "require [\"envelope\", \"fileinto\", \"environment\"];\n"
        "if envelope :localpart \"to\" \"anna\" { fileinto \"anna\"; }\n"
        "if envelope :all \"auth\" \"login-1\" { fileinto \"authenticated\"; }\n"
        "if environment \"remote-ip\" \"192.0.2.1\" { fileinto \"from-client\"; }");
    auto m = message::from_raw(plain_message);
    session client{.remote_ip = "192.0.2.1", .helo = "mx.example.org", .authenticated_user = "login-1"};
    auto to_anna = s.run(client, m, {.from = "x@example.org", .to = "anna@example.net"});
    auto to_bob = s.run(client, m, {.from = "x@example.org", .to = "bob@example.net", .auth = "other"});
    EXPECT_EQ(summary(to_anna), "fileinto:anna; fileinto:authenticated; fileinto:from-client");
    EXPECT_EQ(summary(to_bob), "fileinto:from-client");
    EXPECT_EQ(summary(s.run(m, {.to = "anna@example.net"})), "fileinto:anna");  // no session
}

TEST(host, the_default_host_has_the_system_clock_and_no_services) {
    const auto& h = default_host();
    auto before = system_clock::now();
    auto now = h.now();
    EXPECT_GE(now, before);
    EXPECT_LE(now, system_clock::now());
    EXPECT_EQ(h.state(), nullptr);
    EXPECT_EQ(h.lists(), nullptr);
    EXPECT_EQ(h.mailboxes(), nullptr);
    EXPECT_FALSE(h.score(score_test::spam).has_value());
}

// descriptor::services, as a frontend sees them when it loads a script.
using services = std::vector<service>;

services services_of(const std::string& source) {
    return compiled(source).services();
}

TEST(services, a_script_says_which_host_services_its_extensions_need) {
    EXPECT_EQ(services_of("require \"fileinto\"; fileinto \"x\";"), services{});
    EXPECT_EQ(services_of("require \"vacation\"; vacation \"away\";"),
              (services{service::clock, service::state_store}));
    EXPECT_EQ(services_of("require \"vacation-seconds\"; vacation :seconds 60 \"away\";"),
              (services{service::clock, service::state_store}));  // it brings vacation along
    EXPECT_EQ(services_of("require \"extlists\"; if header :list \"from\" \":addrbook:personal\" { }"),
              services{service::lists});
    EXPECT_EQ(services_of("require [\"mailbox\", \"date\"]; if mailboxexists \"x\" { }"),
              (services{service::clock, service::mailboxes}));
    // spamtest reads the headers when the host has no score of its own.
    EXPECT_EQ(services_of("require \"spamtest\"; if spamtest \"5\" { }"), services{});
    // ihave's capabilities count as required ones.
    EXPECT_EQ(services_of("require \"ihave\"; if ihave \"duplicate\" { if duplicate { discard; } }"),
              (services{service::clock, service::state_store}));
    auto s = compiled("require \"duplicate\"; if duplicate { discard; }");
    EXPECT_EQ(script::load(s.save()).services(), (services{service::clock, service::state_store}));
    EXPECT_EQ(script().services(), services{});
}

// Every service services() lists for a capability is one its commands fail
// without: on a host that lacks it, the run fails with an error naming it.
TEST(services, each_listed_service_is_one_a_command_fails_without) {
    struct row {
        const char* source;
        service needed;
        const char* named;
    };
    for (const row& r :
         {row{"require \"vacation\"; vacation \"away\";", service::state_store, "sift::host::state"},
          row{"require \"duplicate\"; if duplicate { discard; }", service::state_store, "sift::host::state"},
          row{"require \"extlists\"; if header :list \"from\" \":addrbook:personal\" { discard; }",
              service::lists, "sift::host::lists"},
          row{"require \"mailbox\"; if mailboxexists \"INBOX\" { discard; }", service::mailboxes,
              "sift::host::mailboxes"},
          row{"require \"mboxmetadata\"; if metadataexists \"INBOX\" \"/private/comment\" { discard; }",
              service::mailboxes, "sift::host::mailboxes"},
          row{"require \"servermetadata\"; if servermetadataexists \"/shared/comment\" { discard; }",
              service::mailboxes, "sift::host::mailboxes"},
          row{"require \"special-use\"; if specialuse_exists \"\\\\Junk\" { discard; }", service::mailboxes,
              "sift::host::mailboxes"},
          row{"require \"mailboxid\"; if mailboxidexists \"F123\" { discard; }", service::mailboxes,
              "sift::host::mailboxes"}}) {
        auto s = compiled(r.source);
        auto listed = s.services();
        EXPECT_NE(std::find(listed.begin(), listed.end(), r.needed), listed.end()) << r.source;
        EXPECT_FALSE(default_host().provides(r.needed)) << name(r.needed);
        auto res = s.run(message::from_raw(plain_message), default_envelope());
        EXPECT_EQ(res.status, run_status::runtime_error) << r.source;
        ASSERT_FALSE(res.errors.empty()) << r.source;
        EXPECT_NE(res.errors[0].find(r.named), std::string::npos) << res.errors[0];
    }
}

struct no_lists final : list_provider {
    bool valid(std::string_view) const override { return false; }
    bool contains(std::string_view, std::string_view) const override { return false; }
    std::vector<std::string> members(std::string_view) const override { return {}; }
};

struct no_mailboxes final : mailbox_host {
    bool exists(std::string_view) const override { return false; }
};

TEST(services, a_host_says_which_it_provides) {
    EXPECT_TRUE(default_host().provides(service::clock));
    for (service s : {service::state_store, service::lists, service::mailboxes})
        EXPECT_FALSE(default_host().provides(s)) << name(s);
    basic_host h;
    auto st = store::open_memory_store();
    no_lists lists;
    no_mailboxes mailboxes;
    h.set_state(st.get());
    EXPECT_TRUE(h.provides(service::state_store));
    EXPECT_FALSE(h.provides(service::lists));
    h.set_lists(&lists);
    h.set_mailboxes(&mailboxes);
    for (service s : all_services) EXPECT_TRUE(h.provides(s)) << name(s);
    EXPECT_EQ(name(service::state_store), "state_store");
    EXPECT_EQ(name(service::mailboxes), "mailboxes");
    // What a frontend does when it loads a script: nothing missing here.
    auto s = compiled("require [\"vacation\", \"extlists\"]; vacation \"away\";");
    for (service needed : s.services()) EXPECT_TRUE(h.provides(needed)) << name(needed);
    EXPECT_FALSE(default_host().provides(s.services().at(1)));
}

}  // namespace
}  // namespace sift::testing
