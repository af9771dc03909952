// Inputs shared by the benchmark suites: a few realistic ~2.2 KB messages
// (the same shape scripts/bench-corpus writes) and small scripts of a few
// rules each, the size people really deploy. Several messages are rotated
// so the branch predictor cannot learn one path.
#pragma once

#include <sift/message.hpp>
#include <sift/script.hpp>

#include <array>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace sift::bench {

inline constexpr std::string_view received_hops =
    "Received: from mx2.lists.example.org (mx2.corp.example.co.uk [192.0.2.206])\n"
    "\tby mail.example.com with ESMTPS id 4e6c24dc6270\n"
    "\tfor <eva.silva@example.com>; Tue, 01 Jan 2024 20:49:54 +0000\n"
    "Received: from mx1.example.org (mx1.mail.example.de [192.0.2.107])\n"
    "\tby mx2.lists.example.org with ESMTPS id f3d50abfe05e\n"
    "\tfor <eva.silva@example.com>; Tue, 01 Jan 2024 05:19:33 +0000\n"
    "Received: from mx0.example.com (mx0.shop.example [192.0.2.231])\n"
    "\tby mx1.example.org with ESMTPS id 9a2b5ba86046\n"
    "\tfor <eva.silva@example.com>; Tue, 01 Jan 2024 14:56:40 +0000\n"
    "Received: from mx4.example.com (mx4.shop.example [192.0.2.149])\n"
    "\tby mx0.example.com with ESMTPS id 3bfd5177745e\n"
    "\tfor <eva.silva@example.com>; Tue, 01 Jan 2024 15:06:16 +0000\n";

inline constexpr std::string_view body_text =
    "Outage address the deadline coffee thanks quarterly. Proposal release\n"
    "proposal dog budget confirmation policy policy thanks meeting. Proposal\n"
    "attached holiday migration lunch fox find issue feedback fix lazy\n"
    "mailbox update server.\n"
    "\n"
    "Tomorrow regards confirmation policy filter weekend report header\n"
    "feedback network. Folder notes support over plan booking policy meeting\n"
    "dog rule migration quarterly. Filter domain confirmation meeting ticket\n"
    "invoice outage server fox. Deadline customer over outage header\n"
    "delivery message booking.\n"
    "\n"
    "Please find attached the draft agenda for friday. The migration plan\n"
    "moved to the weekend, the server outage report is in the shared folder\n"
    "and the customer feedback has been merged into the release notes.\n"
    "\n"
    "Regards,\n"
    "Anna\n";

// Header blocks differing in what the scripts test: plain, spam, list, invoice.
inline constexpr std::array<std::string_view, 4> variant_headers = {
    "Return-Path: <oscar.novak@example.net>\n"
    "Message-ID: <0.77d3646749@example.net>\n"
    "Date: Tue, 01 Jan 2024 03:31:15 +0000\n"
    "From: \"Oscar Novak\" <oscar.novak@example.net>\n"
    "To: \"Eva Silva\" <eva.silva@example.com>\n"
    "Cc: Ben Okafor <ben.okafor@example.org>, Grace Rossi <grace.rossi@mail.example.de>\n"
    "Subject: Draft the delivery quarterly report booking release\n"
    "X-Spam-Status: No, score=-4.2 required=5.0\n",

    "Return-Path: <kemal.haddad@shop.example>\n"
    "Message-ID: <1.37b3981c64@shop.example>\n"
    "Date: Wed, 02 Jan 2024 14:41:45 +0000\n"
    "From: \"Kemal Haddad\" <kemal.haddad@shop.example>\n"
    "To: \"Lena Fischer\" <lena.fischer@example.com>\n"
    "Subject: You are a lottery winner!\n"
    "X-Spam-Flag: YES\n"
    "X-Spam-Status: Yes, score=17.3 required=5.0\n",

    "Return-Path: <priya.nguyen@lists.example.org>\n"
    "Message-ID: <2.a0c1f3e2d4@lists.example.org>\n"
    "Date: Thu, 03 Jan 2024 09:12:01 +0000\n"
    "From: \"Priya Nguyen\" <priya.nguyen@lists.example.org>\n"
    "To: \"Sven Brennan\" <sven.brennan@example.com>\n"
    "Subject: [dev] Release notes for the filter rule migration\n"
    "List-Id: <dev.lists.example.org>\n"
    "List-Unsubscribe: <mailto:dev-leave@lists.example.org>\n"
    "Precedence: list\n",

    "Return-Path: <rosa.silva@billing.example.com>\n"
    "Message-ID: <3.5e2b8c9d01@billing.example.com>\n"
    "Date: Fri, 04 Jan 2024 11:00:00 +0000\n"
    "From: \"Rosa Silva\" <rosa.silva@billing.example.com>\n"
    "To: \"Invoices\" <invoices@example.com>\n"
    "Subject: Invoice 48213 for Jan 2024\n"
    "X-Spam-Status: No, score=0.3 required=5.0\n",
};

inline std::string raw_message(std::size_t variant) {
    std::string raw(received_hops);
    raw += variant_headers[variant % variant_headers.size()];
    raw +=
        "MIME-Version: 1.0\n"
        "X-Mailer: Thunderbird 115.6\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n";
    raw += body_text;
    while (raw.size() < 2200) raw += "Filter rule mailbox folder delivery message header address domain.\n";
    return raw;
}

inline std::vector<message> parsed_messages() {
    std::vector<message> out;
    for (std::size_t i = 0; i < variant_headers.size(); ++i) out.push_back(message::from_raw(raw_message(i)));
    return out;
}

// A header-only script: the commonest personal filter.
inline constexpr std::string_view header_script = R"(require ["fileinto"];
if header :is "X-Spam-Flag" "YES" { fileinto "Spam"; stop; }
if header :contains "Subject" ["viagra", "lottery winner", "claim your prize"] { fileinto "Spam"; stop; }
if exists "List-Id" { fileinto "Lists"; stop; }
if header :contains ["From", "Sender"] "billing.example.com" { fileinto "Invoices"; }
)";

inline constexpr std::string_view address_script = R"(require ["fileinto"];
if address :domain :is "from" ["nuisance.example", "shop.example"] { discard; stop; }
if address :localpart :is ["to", "cc"] "invoices" { fileinto "Invoices"; stop; }
if address :all :is "from" "oscar.novak@example.net" { fileinto "Oscar"; }
)";

inline constexpr std::string_view matches_script = R"(require ["fileinto"];
if header :matches "Subject" ["*lottery*", "*viagra*", "URGENT:*"] { fileinto "Spam"; stop; }
if header :matches "List-Id" "<*.lists.example.org>" { fileinto "Lists"; stop; }
if header :matches "Subject" "Invoice * for * 20??" { fileinto "Invoices"; }
)";

// The example from examples/filter.sieve: envelope, address, size, anyof.
inline constexpr std::string_view mixed_script = R"(require ["fileinto", "envelope"];
if anyof (header :is "X-Spam-Flag" "YES",
          header :contains "Subject" ["viagra", "lottery winner"]) {
    fileinto "Spam";
    stop;
}
if envelope :domain :is "from" "nuisance.example" {
    discard;
    stop;
}
if exists "List-Id" {
    fileinto "Lists";
} elsif address :is :localpart "to" "invoices" {
    redirect "accounting@example.com";
} elsif size :over 1M {
    fileinto "Large";
}
)";

inline script must_compile(std::string_view source) {
    script s = script::compile(source, "bench.sieve");
    if (!s.ok()) {
        std::cerr << format(s.errors());
        std::abort();
    }
    return s;
}

inline envelope bench_envelope() {
    return envelope{"oscar.novak@example.net", "eva.silva@example.com", {}, {}};
}

}  // namespace sift::bench
