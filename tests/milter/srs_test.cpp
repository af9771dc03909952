// SRS (milter/srs.hpp). The expected addresses are what Debian's postsrsd
// 1.10 answered for the same secret, domain and day (its TCP lookup table,
// `get ADDRESS` on the forward and reverse ports), written down by hand;
// tests/milter/srs_postsrsd.py asks a running postsrsd for many more.
#include "srs.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace srs = sift::milter::srs;

namespace {

// 2026-12-02 00:00 UTC: day 20789, slot 20789 % 1024 = 309 = "JV".
constexpr std::time_t day_jv = 20789LL * 86400;

srs::config fwd() {
    return {.domain = "fwd.example", .secrets = {"tops3cret"}};
}

std::string forwarded(std::string_view sender, srs::forward_outcome want = srs::forward_outcome::rewritten) {
    auto r = srs::forward(fwd(), sender, day_jv);
    EXPECT_EQ(r.outcome, want) << sender;
    return r.address;
}

}  // namespace

TEST(Srs, ForwardsAPlainSenderAsSrs0) {
    EXPECT_EQ(forwarded("anna@example.com"), "SRS0=HF+n=JV=example.com=anna@fwd.example");
    // The hash is over the lower-cased fields; the case written stays.
    EXPECT_EQ(forwarded("Anna@Example.COM"), "SRS0=HF+n=JV=Example.COM=Anna@fwd.example");
    // A subdomain of the forwarder's is not the forwarder's.
    EXPECT_EQ(forwarded("x@sub.fwd.example"), "SRS0=y5Pl=JV=sub.fwd.example=x@fwd.example");
}

TEST(Srs, LeavesLocalNullAndOwnAddressesAlone) {
    EXPECT_EQ(forwarded("user@FWD.EXAMPLE", srs::forward_outcome::unchanged_local), "user@FWD.EXAMPLE");
    EXPECT_EQ(forwarded("", srs::forward_outcome::unchanged_null), "");
    // postsrsd: "500 Already rewritten" for SRS0/SRS1 addresses our secret signed.
    EXPECT_EQ(forwarded("SRS0=HF+n=JV=example.com=anna@other.example", srs::forward_outcome::unchanged_ours),
              "SRS0=HF+n=JV=example.com=anna@other.example");
    EXPECT_EQ(forwarded("SRS1=4v9s=third.example==abcd=AB=x.example=joe@other.example",
                        srs::forward_outcome::unchanged_ours),
              "SRS1=4v9s=third.example==abcd=AB=x.example=joe@other.example");
    auto bad = srs::forward(fwd(), "noat", day_jv);
    EXPECT_EQ(bad.outcome, srs::forward_outcome::invalid);
    EXPECT_FALSE(bad.error.empty());
}

TEST(Srs, AnotherForwardersAddressBecomesSrs1) {
    EXPECT_EQ(forwarded("SRS0=abcd=AB=x.example=joe@third.example"),
              "SRS1=4v9s=third.example==abcd=AB=x.example=joe@fwd.example");
    EXPECT_EQ(forwarded("SRS0+abcd=AB=x.example=joe@third.example"),
              "SRS1=FbcC=third.example=+abcd=AB=x.example=joe@fwd.example");
    EXPECT_EQ(forwarded("SRS0=XXXX=JV=example.com=anna@other.example"),
              "SRS1=1d0E=other.example==XXXX=JV=example.com=anna@fwd.example");
    // An SRS1 from elsewhere keeps its first hop and is signed again.
    EXPECT_EQ(forwarded("SRS1=zzzz=third.example==abcd=AB=x.example=joe@other.example"),
              "SRS1=4v9s=third.example==abcd=AB=x.example=joe@fwd.example");
    EXPECT_EQ(forwarded("SRS1=zzzz=third.example=-abcd=AB=x.example=joe@other.example"),
              "SRS1=zTp2=third.example=-abcd=AB=x.example=joe@fwd.example");
}

TEST(Srs, ReversesWhatItWrote) {
    auto ok = [](std::string_view a) {
        auto r = srs::reverse(fwd(), a, day_jv);
        EXPECT_TRUE(r.ok) << a << ": " << r.error;
        return r.address;
    };
    EXPECT_EQ(ok("SRS0=HF+n=JV=example.com=anna@fwd.example"), "anna@example.com");
    // Lower-cased on the way back (hash, tag and timestamp): still good.
    EXPECT_EQ(ok("srs0=hf+n=jv=example.com=anna@fwd.example"), "anna@example.com");
    EXPECT_EQ(ok("SRS1=4v9s=third.example==abcd=AB=x.example=joe@fwd.example"),
              "SRS0=abcd=AB=x.example=joe@third.example");
}

TEST(Srs, RefusesForgedExpiredAndForeignAddresses) {
    auto err = [](std::string_view a, std::time_t now = day_jv) {
        auto r = srs::reverse(fwd(), a, now);
        EXPECT_FALSE(r.ok) << a << " gave " << r.address;
        return r.error;
    };
    EXPECT_EQ(err("SRS0=XXXX=JV=example.com=anna@fwd.example"), "hash invalid");
    EXPECT_EQ(err("SRS1=zzzz=third.example==abcd=AB=x.example=joe@fwd.example"), "hash invalid");
    EXPECT_EQ(err("SRS0=HF+=JV=example.com=anna@fwd.example"), "hash invalid");  // shorter than hash_min
    EXPECT_EQ(err("anna@fwd.example"), "not an SRS address");
    EXPECT_EQ(err("SRS0=HF+n=JV=example.com=anna@other.example"), "not in the SRS domain fwd.example");
    // 21 days is the limit; the 22nd day is too late.
    EXPECT_EQ(srs::reverse(fwd(), "SRS0=HF+n=JV=example.com=anna@fwd.example", day_jv + 21 * 86400).ok, true);
    EXPECT_EQ(err("SRS0=HF+n=JV=example.com=anna@fwd.example", day_jv + 22 * 86400), "timestamp expired");
    // "AA" is slot 0, 309 days before JV (postsrsd: "Time stamp out of date").
    auto h = srs::forward(fwd(), "anna@example.com", 20480LL * 86400).address;  // slot 0
    EXPECT_EQ(h.substr(0, 13), "SRS0=" + h.substr(5, 4) + "=AA=");
    EXPECT_EQ(err(h), "timestamp expired");
}

TEST(Srs, OldSecretsStillVerify) {
    auto c = fwd();
    c.secrets = {"new-secret", "tops3cret"};
    auto r = srs::reverse(c, "SRS0=HF+n=JV=example.com=anna@fwd.example", day_jv);
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_NE(srs::forward(c, "anna@example.com", day_jv).address,
              "SRS0=HF+n=JV=example.com=anna@fwd.example");
}

TEST(Srs, ChecksItsConfiguration) {
    auto c = fwd();
    EXPECT_NO_THROW(srs::check(c));
    c.separator = '/';
    EXPECT_THROW(srs::check(c), std::invalid_argument);
    c = fwd();
    c.secrets.clear();
    EXPECT_THROW(srs::check(c), std::invalid_argument);
    c = fwd();
    c.domain.clear();
    EXPECT_THROW(srs::check(c), std::invalid_argument);
}

TEST(Srs, ReverseTakesTheHashInAnyCase) {
    // libsrs2 (postsrsd) compares the hash with strncasecmp: a mail system
    // on the way may have changed the case of the whole local part or of
    // part of it.
    for (auto a : {"SRS0=hF+N=jV=Example.com=anna@FWD.example", "SRS0=HF+N=JV=example.com=anna@fwd.example",
                   "Srs0=hf+n=jv=EXAMPLE.COM=ANNA@fwd.example"}) {
        auto r = srs::reverse(fwd(), a, day_jv);
        EXPECT_TRUE(r.ok) << a << ": " << r.error;
    }
    // The original's case is the one in the address.
    EXPECT_EQ(srs::reverse(fwd(), "Srs0=hf+n=jv=EXAMPLE.COM=ANNA@fwd.example", day_jv).address,
              "ANNA@EXAMPLE.COM");
    // A different letter is not a different case.
    EXPECT_EQ(srs::reverse(fwd(), "SRS0=HF+m=JV=example.com=anna@fwd.example", day_jv).error, "hash invalid");
    EXPECT_EQ(
        srs::reverse(fwd(), "SRS1=4V9S=THIRD.example==abcd=AB=x.example=joe@fwd.example", day_jv).address,
        "SRS0=abcd=AB=x.example=joe@THIRD.example");
}

TEST(Srs, ReverseRefusesATimestampFromTheFuture) {
    // One written tomorrow is 1023 slots old today (libsrs2 counts the same way).
    auto tomorrow = srs::forward(fwd(), "anna@example.com", day_jv + 86400).address;
    EXPECT_EQ(srs::reverse(fwd(), tomorrow, day_jv + 86400).ok, true);
    EXPECT_EQ(srs::reverse(fwd(), tomorrow, day_jv).error, "timestamp expired");
}

TEST(Srs, TwoHopsReverseBackToTheSender) {
    // anna@example.com -> hop1.example forwards (SRS0 at hop1) -> we forward
    // (SRS1 at fwd.example, first hop hop1). The bounce comes to us; we send
    // it to hop1's SRS0, and hop1 (its own secret) to anna.
    srs::config hop1{.domain = "hop1.example", .secrets = {"hop1-secret"}};
    auto at_hop1 = srs::forward(hop1, "anna@example.com", day_jv);
    ASSERT_EQ(at_hop1.outcome, srs::forward_outcome::rewritten);
    auto at_us = srs::forward(fwd(), at_hop1.address, day_jv + 86400);
    ASSERT_EQ(at_us.outcome, srs::forward_outcome::rewritten);
    EXPECT_EQ(at_us.address.substr(0, 5), "SRS1=");
    EXPECT_TRUE(at_us.address.ends_with("@fwd.example"));
    auto back = srs::reverse(fwd(), at_us.address, day_jv + 2 * 86400);
    ASSERT_TRUE(back.ok) << back.error;
    EXPECT_EQ(back.address, at_hop1.address);
    // Our secret does not verify hop1's address, nor hop1's ours.
    EXPECT_FALSE(srs::reverse(fwd(), back.address, day_jv).ok);
    EXPECT_FALSE(srs::reverse(hop1, at_us.address, day_jv).ok);
    auto sender = srs::reverse(hop1, back.address, day_jv + 3 * 86400);
    ASSERT_TRUE(sender.ok) << sender.error;
    EXPECT_EQ(sender.address, "anna@example.com");
    // hop1's own timestamp still counts there: 22 days after it wrote it, refused.
    EXPECT_EQ(srs::reverse(hop1, back.address, day_jv + 22 * 86400).error, "timestamp expired");
}

TEST(Srs, SrsFormIsTheTagAndFieldsInOurDomain) {
    EXPECT_TRUE(srs::srs_form(fwd(), "SRS0=HF+n=JV=example.com=anna@fwd.example"));
    EXPECT_TRUE(srs::srs_form(fwd(), "srs0=XXXX=JV=example.com=anna@FWD.Example"));  // forged: still the form
    EXPECT_TRUE(srs::srs_form(fwd(), "SRS1=4v9s=third.example==abcd=AB=x.example=joe@fwd.example"));
    EXPECT_TRUE(srs::srs_form(fwd(), "SRS0+abcd=AB=x.example=joe@fwd.example"));
    EXPECT_FALSE(srs::srs_form(fwd(), "SRS0=HF+n=JV=example.com=anna@other.example"));
    EXPECT_FALSE(srs::srs_form(fwd(), "SRS0=HF+n=JV=example.com=anna@sub.fwd.example"));
    EXPECT_FALSE(srs::srs_form(fwd(), "srs0-team@fwd.example"));
    EXPECT_FALSE(srs::srs_form(fwd(), "SRS0=only=two@fwd.example"));
    EXPECT_FALSE(
        srs::srs_form(fwd(), "SRS1=abcd=host=user@fwd.example"));  // no separator before the SRS0 rest
    EXPECT_FALSE(srs::srs_form(fwd(), "anna@fwd.example"));
    EXPECT_FALSE(srs::srs_form(fwd(), "SRS0=HF+n=JV=example.com=anna"));
}
