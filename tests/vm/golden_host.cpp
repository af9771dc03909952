// The world of the golden images that need a host (tests/vm/golden/run.py,
// docs/BYTECODE.md "Golden images"): a mail store, lists, scores, an SMTP
// session and a frozen clock, fixed here so that each expected result can
// be written by hand from this file and the RFCs.
//
//     sift_golden_host IMAGE MESSAGE    prints sift::json::report of the run
//
// It uses the public API only, as a frontend would; the envelope is the one
// run.py gives `sift run` (anna@example.com to bob@example.net).
//
// The world:
//   now               2026-11-23 09:30:00 UTC (a Monday)
//   session           remote-ip 192.0.2.25, remote-host mail.example.com,
//                     domain example.net, host mx.example.net
//   mailboxes         INBOX, Archive, Junk, Sent
//   special-use       \Junk on Junk, \Sent on Sent
//   mailbox ids       "Farchive42" is Archive (RFC 8474 OBJECTID)
//   mailbox metadata  INBOX /private/comment = "golden inbox"
//   server metadata   /shared/admin = "mailto:postmaster@example.net"
//   lists             :addrbook:friends = anna@example.com, dave@example.org
//                     (entries compare case-insensitively)
//   scores            spam 0.5, virus 0.25 (sift::host::score, in [0, 1])
#include <sift/host.hpp>
#include <sift/json.hpp>
#include <sift/mailbox_host.hpp>
#include <sift/script.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace {

bool same(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

class golden_mailboxes final : public sift::mailbox_host {
public:
    bool exists(std::string_view mailbox) const override {
        return std::find(names.begin(), names.end(), mailbox) != names.end() || same(mailbox, "INBOX");
    }
    std::optional<std::string> metadata(std::string_view mailbox, std::string_view entry) const override {
        if (same(mailbox, "INBOX") && entry == "/private/comment") return "golden inbox";
        return std::nullopt;
    }
    std::optional<std::string> server_metadata(std::string_view entry) const override {
        if (entry == "/shared/admin") return "mailto:postmaster@example.net";
        return std::nullopt;
    }
    std::optional<std::string> special_use(std::string_view flag) const override {
        for (const auto& [box, use] : uses)
            if (same(use, flag)) return box;
        return std::nullopt;
    }
    bool has_special_use(std::string_view mailbox, std::string_view flag) const override {
        for (const auto& [box, use] : uses)
            if (box == mailbox && same(use, flag)) return true;
        return false;
    }
    std::optional<std::string> mailbox_for_id(std::string_view id) const override {
        if (id == "Farchive42") return "Archive";
        return std::nullopt;
    }

private:
    std::vector<std::string> names{"INBOX", "Archive", "Junk", "Sent"};
    std::vector<std::pair<std::string, std::string>> uses{{"Junk", "\\Junk"}, {"Sent", "\\Sent"}};
};

class golden_lists final : public sift::list_provider {
public:
    bool valid(std::string_view list) const override { return list == ":addrbook:friends"; }
    bool contains(std::string_view list, std::string_view value) const override {
        if (!valid(list)) return false;
        return std::any_of(friends.begin(), friends.end(), [&](const auto& f) { return same(f, value); });
    }
    std::vector<std::string> members(std::string_view list) const override {
        return valid(list) ? friends : std::vector<std::string>{};
    }

private:
    std::vector<std::string> friends{"anna@example.com", "dave@example.org"};
};

std::string read(const char* path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::string(path) + ": cannot be read");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: sift_golden_host IMAGE MESSAGE\n";
        return 2;
    }
    try {
        auto s = sift::script::load(read(argv[1]), argv[1]);
        if (!s.ok()) {
            std::cout << sift::json::report(s, nullptr) << "\n";
            return 1;
        }
        golden_mailboxes mailboxes;
        golden_lists lists;
        sift::basic_host host;
        host.set_mailboxes(&mailboxes);
        host.set_lists(&lists);
        host.set_score([](sift::score_test t) { return t == sift::score_test::spam ? 0.5 : 0.25; });
        host.freeze(sift::host::time_point(std::chrono::seconds(1795426200)));  // 2026-11-23T09:30:00Z
        const sift::session client{.remote_ip = "192.0.2.25",
                                   .remote_host = "mail.example.com",
                                   .local_domain = "example.net",
                                   .local_host = "mx.example.net"};
        auto msg = sift::message::from_raw(read(argv[2]));
        auto r = s.run(client, msg, {.from = "anna@example.com", .to = "bob@example.net"}, {.host = &host});
        std::cout << sift::json::report(s, &r) << "\n";
        return r.ok() ? 0 : 3;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 2;
    }
}
