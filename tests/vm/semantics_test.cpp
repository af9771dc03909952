// RFC 5228 semantics of every core command and test, and the action
// interactions of §4.
#include "test_support.hpp"

#include "api/internal.hpp"
#include "mail/header.hpp"
#include "vm/program.hpp"

#include <sift/sequence.hpp>

#include <algorithm>
#include <random>

namespace sift::testing {
namespace {

constexpr const char* fileinto = "require \"fileinto\";\n";

// :contains with several keys over a value of 256 bytes or more takes the
// fold-once path (run_state::any_key): the same answers as the short one.
TEST(contains, several_keys_in_a_long_value_fold_once) {
    std::string body(300, 'x');
    body += "Please Verify YOUR Account now";
    auto msg = "From: a@example.com\r\nSubject: s\r\n\r\n" + body + "\r\n";
    auto test = [&](const std::string& keys, const std::string& cmp = "") {
        return run("require [\"body\", \"fileinto\"];\nif body :text " + cmp + " :contains " + keys +
                       " { fileinto \"hit\"; }",
                   msg);
    };
    EXPECT_EQ(test(R"(["nothing here", "verify your account"])"), "fileinto:hit");
    EXPECT_EQ(test(R"(["NOW", "absent"])"), "fileinto:hit");    // the very end
    EXPECT_EQ(test(R"(["xxxxp", "absent"])"), "fileinto:hit");  // across the seam
    EXPECT_EQ(test(R"(["verify  your", "account  now"])"), "keep*");
    EXPECT_EQ(test(R"(["absent", ""])"), "fileinto:hit");  // the empty key is in every value
    // i;octet keeps the case.
    EXPECT_EQ(test(R"(["verify your account", "absent"])", ":comparator \"i;octet\""), "keep*");
    EXPECT_EQ(test(R"(["Verify YOUR Account", "absent"])", ":comparator \"i;octet\""), "fileinto:hit");
}

// :matches keys that are "*" or "*" and a literal tail are matched by
// run_state::any_key from the shape link() told (program::glob_shapes);
// other keys, and templates whatever they expand to, by glob_match: over
// random values and patterns, both give glob_match's answer and ${1}.
TEST(matches, star_shapes_told_at_link_time_against_glob_match) {
    std::mt19937 rng(5228);
    auto word = [&](const std::string& alphabet, std::size_t max) {
        std::string w;
        for (std::size_t n = rng() % (max + 1); n > 0; --n) w += alphabet[rng() % alphabet.size()];
        return w;
    };
    auto quoted = [](const std::string& text) {  // as a Sieve quoted string
        std::string out;
        for (char c : text) {
            if (c == '\\' || c == '"') out += '\\';
            out += c;
        }
        return out;
    };
    int hits = 0;
    for (int round = 0; round < 300; ++round) {
        auto value = word("aAbB.", 6);
        // Mostly "*" and a tail of letters and dots; now and then a
        // wildcard or an escape in the tail, or "*" alone.
        auto pattern = "*" + word(round % 4 == 0 ? "aAb.?*\\" : "aAbB.", 4);
        auto cmp = round % 3 == 0 ? vm::comparator::octet : vm::comparator::ascii_casemap;
        std::string cmp_name = cmp == vm::comparator::octet ? "i;octet" : "i;ascii-casemap";
        std::vector<vm::span> caps;
        std::string expected;
        if (vm::glob_match(value, pattern, cmp, &caps)) {
            auto first = caps.empty() ? std::string() : value.substr(caps[0].offset, caps[0].length);
            expected = "fileinto:const-" + first + "; fileinto:tpl-" + first;
            ++hits;
        } else {
            expected = "keep*";
        }
        auto script = "require [\"fileinto\", \"variables\"];\nset \"p\" \"" + quoted(pattern) +
                      "\";\nif header :comparator \"" + cmp_name + "\" :matches \"subject\" \"" +
                      quoted(pattern) + "\" { fileinto \"const-${1}\"; }\nif header :comparator \"" +
                      cmp_name + "\" :matches \"subject\" \"${p}\" { fileinto \"tpl-${1}\"; }";
        EXPECT_EQ(run(script, "From: a@example.com\r\nSubject: " + value + "\r\n\r\nbody\r\n"), expected)
            << value << " " << pattern << " " << cmp_name;
    }
    EXPECT_GT(hits, 60);  // both answers well represented
}

// :is under the VM's own comparators takes its own loop in any_key (a key
// of another length passed over, then vm::equal): over random values and
// key lists, constant keys and templates, the empty value and the empty
// key among them, the answer vm::matches gives key by key.
TEST(is, own_comparators_loop_against_matches) {
    std::mt19937 rng(5231);
    auto word = [&](std::size_t max) {
        static const std::string alphabet = "aAb.";
        std::string w;
        for (std::size_t n = rng() % (max + 1); n > 0; --n) w += alphabet[rng() % alphabet.size()];
        return w;
    };
    int hits = 0;
    for (int round = 0; round < 300; ++round) {
        auto value = word(4);
        std::vector<std::string> keys;
        for (std::size_t n = 1 + rng() % 4; n > 0; --n) keys.push_back(word(4));
        auto cmp = round % 3 == 0 ? vm::comparator::octet : vm::comparator::ascii_casemap;
        std::string cmp_name = cmp == vm::comparator::octet ? "i;octet" : "i;ascii-casemap";
        vm::match_spec spec{cmp, vm::match_type::is};
        bool expected =
            std::any_of(keys.begin(), keys.end(), [&](const auto& k) { return vm::matches(value, k, spec); });
        hits += expected;
        std::string list, sets;
        for (std::size_t i = 0; i < keys.size(); ++i) {
            list += (i ? ", \"" : "\"") + keys[i] + "\"";
            sets += "set \"k" + std::to_string(i) + "\" \"" + keys[i] + "\";\n";
        }
        std::string templates;
        for (std::size_t i = 0; i < keys.size(); ++i)
            templates += (i ? ", \"${k" : "\"${k") + std::to_string(i) + "}\"";
        auto script = "require [\"fileinto\", \"variables\"];\n" + sets + "if header :comparator \"" +
                      cmp_name + "\" :is \"subject\" [" + list +
                      "] { fileinto \"const\"; }\nif string :comparator \"" + cmp_name + "\" :is \"" + value +
                      "\" [" + templates + "] { fileinto \"tpl\"; }";
        EXPECT_EQ(run(script, "From: a@example.com\r\nSubject: " + value + "\r\n\r\nbody\r\n"),
                  expected ? "fileinto:const; fileinto:tpl" : "keep*")
            << value << " [" << list << "] " << cmp_name;
    }
    EXPECT_GT(hits, 30);
    EXPECT_LT(hits, 270);
}

// The phrase lists of body :text :contains are searched in one pass per
// part and script (vm::phrase_index): each script of a sequence has its
// own lists, and the answer found for one is not read for another's.
TEST(contains, phrase_lists_of_each_script_in_a_sequence) {
    auto msg =
        message::from_raw("From: a@example.com\r\nSubject: s\r\n\r\nPlease click HERE to unsubscribe\r\n");
    const std::string req = "require [\"body\", \"vnd.sift.score\"];\n";
    auto before = script::compile(
        req + "if body :text :contains [\"absent\", \"nothing\"] { score :rule \"A\" \"1\"; }\n" +
            "if body :text :contains [\"click here\", \"zzz\"] { score :rule \"B\" \"1\"; }\n",
        "before.sieve");
    auto after = script::compile(
        req + "if body :text :contains [\"unsubscribe\", \"yyy\"] { score :rule \"C\" \"1\"; }\n" +
            "if body :text :contains [\"other\", \"words\"] { score :rule \"D\" \"1\"; }\n",
        "after.sieve");
    ASSERT_TRUE(before.ok() && after.ok());
    auto r = sequence({before, after}).run(msg, default_envelope());
    ASSERT_TRUE(r.ok());
    std::string rules;
    for (const auto& h : r.hits) rules += h.rule;
    EXPECT_EQ(rules, "BC");
}

// A sequence's first and last scripts search each text once for both
// (vm::paired_phrases_for), their lists apart although their list numbers
// are the same; a script between them, and a pair in the other order,
// have their own. Runs one after another reuse the pair.
TEST(contains, phrase_lists_of_the_first_and_last_script_searched_together) {
    auto msg =
        message::from_raw("From: a@example.com\r\nSubject: s\r\n\r\nPlease click HERE to unsubscribe\r\n");
    // Rule NAME0 for the first list, NAME1 for the second: the first
    // script's second list has a key in the text, the others' first.
    auto rules_of = [](const std::string& name, const std::string& first, const std::string& second,
                       const std::string& file) {
        auto s = script::compile(
            "require [\"body\", \"vnd.sift.score\"];\n"
            "if body :text :contains [\"absent\", \"" +
                first + "\"] { score :rule \"" + name + "0\" \"1\"; }\n" +
                "if body :text :contains [\"zzz\", \"" + second + "\"] { score :rule \"" + name +
                "1\" \"1\"; }\n",
            file);
        EXPECT_TRUE(s.ok());
        return s;
    };
    auto before = rules_of("B", "nothing", "click here", "before.sieve");
    auto user = rules_of("U", "please", "other", "user.sieve");
    auto after = rules_of("A", "unsubscribe", "words", "after.sieve");
    auto hits = [&](const sequence& seq) {
        auto r = seq.run(msg, default_envelope());
        EXPECT_TRUE(r.ok());
        std::string rules;
        for (const auto& h : r.hits) rules += h.rule + " ";
        return rules;
    };
    for (int round = 0; round < 3; ++round) {
        EXPECT_EQ(hits(sequence({before, user, after})), "B1 U0 A0 ");
        EXPECT_EQ(hits(sequence({after, before})), "A0 B1 ");
        EXPECT_EQ(hits(sequence({before, after})), "B1 A0 ");
        EXPECT_EQ(hits(sequence({user})), "U0 ");
    }
    const auto* b = internal::program(before);
    const auto* a = internal::program(after);
    auto paired = vm::paired_phrases_for(*b, *a);
    ASSERT_TRUE(paired);
    EXPECT_EQ(paired, vm::paired_phrases_for(*b, *a));  // made once
    EXPECT_EQ(paired->index.lists(), b->phrases->lists() + a->phrases->lists());
    EXPECT_EQ(paired->last_base, b->lists.size());
    EXPECT_NE(paired, vm::paired_phrases_for(*a, *b));
    EXPECT_FALSE(vm::paired_phrases_for(*b, *b));
}

TEST(actions, keep_is_deduplicated_with_fileinto_inbox) {
    EXPECT_EQ(run(std::string(fileinto) + "keep; fileinto \"INBOX\"; keep;", sample_message), "keep");
    EXPECT_EQ(run(std::string(fileinto) + "fileinto \"inbox\"; keep;", sample_message), "fileinto:inbox");
}

TEST(actions, fileinto_same_mailbox_once) {
    EXPECT_EQ(run(std::string(fileinto) + "fileinto \"A\"; fileinto \"B\"; fileinto \"A\";", sample_message),
              "fileinto:A; fileinto:B");
}

TEST(actions, redirect_same_address_once) {
    EXPECT_EQ(run("redirect \"a@example.com\"; redirect \"a@example.com\";", sample_message),
              "redirect:a@example.com");
}

TEST(actions, discard_cancels_only_the_implicit_keep) {
    EXPECT_EQ(run("discard;", sample_message), "discard");
    EXPECT_EQ(run("discard; keep;", sample_message), "discard; keep");
    auto msg = message::from_raw(sample_message);
    EXPECT_TRUE(compiled("discard;").run(msg, default_envelope()).discarded());
    EXPECT_FALSE(compiled("discard; keep;").run(msg, default_envelope()).discarded());
}

TEST(actions, stop_ends_the_script) {
    EXPECT_EQ(run(std::string(fileinto) + "fileinto \"A\"; stop; fileinto \"B\";", sample_message),
              "fileinto:A");
    EXPECT_EQ(run("stop; discard;", sample_message), "keep*");
}

TEST(actions, too_many_redirects_is_a_runtime_error_that_keeps) {
    std::string script;
    for (int i = 0; i < 5; ++i) script += "redirect \"r" + std::to_string(i) + "@example.com\";\n";
    auto s = compiled(script);
    auto msg = message::from_raw(sample_message);
    auto r = s.run(msg, default_envelope());
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");  // RFC 5228 §2.10.6: actions cancelled, message kept
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0], "line 5: too many redirect actions (limit 4)");
    eval_limits more;
    more.max_redirects = 5;
    EXPECT_TRUE(s.run(msg, default_envelope(), {.limits = more}).ok());
}

TEST(actions, action_limit) {
    std::string script = fileinto;
    for (int i = 0; i < 40; ++i) script += "fileinto \"f" + std::to_string(i) + "\";\n";
    auto msg = message::from_raw(sample_message);
    auto r = compiled(script).run(msg, default_envelope());
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
}

TEST(actions, instruction_budget) {
    auto msg = message::from_raw(sample_message);
    eval_limits tight;
    tight.instruction_budget = 3;
    auto r =
        compiled("if true { if true { if true { keep; } } }").run(msg, default_envelope(), {.limits = tight});
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
    EXPECT_NE(r.errors[0].find("instruction budget of 3 exceeded"), std::string::npos);
    EXPECT_EQ(r.instructions, 4u);  // the three it allows and the one that broke it
}

// result::instructions counts what every script of a sequence ran (the
// dispatch loop keeps its count in a local and adds it when a script ends).
TEST(actions, instructions_are_counted_over_a_sequence) {
    auto msg = message::from_raw(sample_message);
    auto a = script::compile("if true { if false { keep; } }", "a.sieve");
    auto b = script::compile("if header :is \"subject\" \"x\" { keep; } if true { }", "b.sieve");
    ASSERT_TRUE(a.ok() && b.ok());
    auto ra = sequence({a}).run(msg, default_envelope());
    auto rb = sequence({b}).run(msg, default_envelope());
    auto rab = sequence({a, b}).run(msg, default_envelope());
    EXPECT_GT(ra.instructions, 0u);
    EXPECT_GT(rb.instructions, 0u);
    EXPECT_EQ(rab.instructions, ra.instructions + rb.instructions);
}

TEST(control, if_elsif_else_takes_first_true_branch) {
    auto script = std::string(fileinto) +
                  "if false { fileinto \"1\"; } elsif true { fileinto \"2\"; } elsif true { fileinto \"3\"; }"
                  " else { fileinto \"4\"; }";
    EXPECT_EQ(run(script, sample_message), "fileinto:2");
    EXPECT_EQ(
        run(std::string(fileinto) + "if false { fileinto \"1\"; } else { fileinto \"4\"; }", sample_message),
        "fileinto:4");
    EXPECT_EQ(run(std::string(fileinto) + "if false { fileinto \"1\"; } if true { fileinto \"5\"; }",
                  sample_message),
              "fileinto:5");
}

TEST(tests, allof_anyof_not) {
    auto t = [](std::string cond) {
        return run("if " + cond + " { discard; }", sample_message) == "discard";
    };
    EXPECT_TRUE(t("allof(true, true)"));
    EXPECT_FALSE(t("allof(true, false)"));
    EXPECT_TRUE(t("anyof(false, true)"));
    EXPECT_FALSE(t("anyof(false, false)"));
    EXPECT_TRUE(t("not false"));
    EXPECT_TRUE(t("not allof(true, false)"));
    EXPECT_FALSE(t("not anyof(false, true)"));
    EXPECT_TRUE(t("allof(not false, anyof(false, not not true))"));
    EXPECT_FALSE(t("not not not true"));
}

TEST(tests, header_matching) {
    auto t = [](std::string cond) {
        return run("if " + cond + " { discard; }", sample_message) == "discard";
    };
    EXPECT_TRUE(t("header :is \"Subject\" \"hello world\""));
    EXPECT_TRUE(t("header :matches \"subject\" \"H*o W?rld\""));
    EXPECT_TRUE(t("header :contains [\"X-None\", \"Subject\"] [\"nope\", \"lo wo\"]"));
    EXPECT_FALSE(t("header :contains \"X-None\" \"\""));  // absent header never matches
    EXPECT_TRUE(t("header :is \"x-spam-flag\" \"yes\""));
}

TEST(tests, address_parts) {
    auto t = [](std::string cond) {
        return run("if " + cond + " { discard; }", sample_message) == "discard";
    };
    EXPECT_TRUE(t("address :is \"from\" \"anna@example.com\""));
    EXPECT_TRUE(t("address :localpart :is \"from\" \"anna\""));
    EXPECT_TRUE(t("address :domain :is \"to\" \"example.net\""));  // second address, domain case-folded
    EXPECT_TRUE(t("address :all :is \"to\" \"carol@example.net\""));
    EXPECT_FALSE(t("address :is \"from\" \"Anna Example\""));  // display names are not addresses
}

// A plain mailbox on one line is kept by the address test's cache as views
// of the value (offsets into the cached text, :all the "local@domain" in
// it); the same answers as for a value read by the full parser (folded, a
// quoted local part), for every part, inline and long values alike.
TEST(tests, address_parts_of_plain_values_read_as_views) {
    auto t = [](const std::string& from, const std::string& cond) {
        auto msg = "From: " + from + "\r\nSubject: s\r\n\r\nbody\r\n";
        return run("require [\"subaddress\", \"relational\", \"comparator-i;ascii-numeric\"];\nif allof(" +
                       cond + ", " + cond + ") { discard; }",
                   msg) == "discard";
    };
    const std::string long_name(80, 'n');
    for (const std::string& from :
         {std::string("anna+lists@example.com"), std::string("  Anna B <anna+lists@example.com>  "),
          std::string("\"Anna\" <anna+lists@example.com>"), std::string("Anna <anna+lists@example.com>\r\n "),
          long_name + " <anna+lists@example.com>", std::string("Anna\r\n <anna+lists@example.com>")}) {
        SCOPED_TRACE(from);
        EXPECT_TRUE(t(from, "address :all :is \"from\" \"anna+lists@example.com\""));
        EXPECT_TRUE(t(from, "address :localpart :is \"from\" \"anna+lists\""));
        EXPECT_TRUE(t(from, "address :domain :is \"from\" \"EXAMPLE.com\""));
        EXPECT_TRUE(t(from, "address :user :is \"from\" \"anna\""));
        EXPECT_TRUE(t(from, "address :detail :is \"from\" \"lists\""));
        EXPECT_TRUE(t(from, "address :count \"eq\" :comparator \"i;ascii-numeric\" \"from\" \"1\""));
        EXPECT_FALSE(t(from, "address :all :contains \"from\" \"<\""));  // the addr-spec alone
    }
    EXPECT_TRUE(t("\"anna b\"@example.com", "address :all :is \"from\" \"\\\"anna b\\\"@example.com\""));
    EXPECT_TRUE(t("\"anna b\"@example.com", "address :localpart :is \"from\" \"anna b\""));
    EXPECT_FALSE(t("anna@example.com", "address :detail :is \"from\" \"\""));  // no separator: no detail
}

// deleteheader's removals carry each field's occurrence among the fields
// of its name in the original header (ext::occurrences for one name): over
// random headers of mixed-case names, against a count made here.
TEST(editheader, removed_fields_occurrences_against_a_plain_count) {
    const std::vector<std::string> names = {"X-Spam", "x-spam", "X-SPAM", "X-Spa", "X-Other", "Subject"};
    std::mt19937 rng(12);
    auto script = script::compile(
        "require \"editheader\";\ndeleteheader :matches \"x-spam\" [\"*1*\", \"*3*\", \"*5*\"];\n",
        "delete.sieve");
    ASSERT_TRUE(script.ok());
    for (int round = 0; round < 200; ++round) {
        std::string raw;
        std::vector<std::pair<std::string, unsigned>> expected;  // value, occurrence
        unsigned seen = 0;
        std::size_t n = 1 + rng() % 30;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& name = names[rng() % names.size()];
            std::string value = "v" + std::to_string(rng() % 8);
            raw += name + ": " + value + "\r\n";
            if (mail::iequals(name, "x-spam")) {
                ++seen;
                if (value.find_first_of("135") != std::string::npos) expected.emplace_back(value, seen);
            }
        }
        raw += "\r\nbody\r\n";
        auto r = sequence({script}).run(message::from_raw(raw), default_envelope());
        ASSERT_TRUE(r.ok());
        std::vector<std::pair<std::string, unsigned>> removed;
        for (const auto& e : r.header_edits) {
            ASSERT_EQ(e.what, header_edit::kind::remove);
            removed.emplace_back(std::string(mail::trim_wsp(e.value)), e.occurrence);
        }
        std::reverse(removed.begin(), removed.end());  // removed from the last field up
        EXPECT_EQ(removed, expected) << raw;
    }
}

// An address test parses each field value once per run (the run's cache,
// kept by the value's text): a field that editheader replaced in the
// first script of a sequence is read as edited by the next, and values past
// the cache's bound (32) are parsed per test with the same answers.
TEST(tests, address_values_parsed_once_per_run_follow_the_edits) {
    auto msg = message::from_raw(
        "From: Anna <anna@example.com>\r\nSender: anna@example.com\r\nSubject: s\r\n\r\nbody\r\n");
    const std::string req = "require [\"editheader\", \"vnd.sift.score\"];\n";
    auto before = script::compile(
        req + "if address :domain :is \"from\" \"example.com\" { score :rule \"A\" \"1\"; }\n" +
            "deleteheader \"from\"; addheader \"From\" \"Bob <bob@other.example>\";\n" +
            "if address :domain :is \"from\" \"other.example\" { score :rule \"B\" \"1\"; }\n",
        "before.sieve");
    auto after = script::compile(
        req + "if address :domain :is \"from\" \"example.com\" { score :rule \"C\" \"1\"; }\n" +
            "if address :localpart :is \"from\" \"bob\" { score :rule \"D\" \"1\"; }\n" +
            "if address :all :is \"sender\" \"anna@example.com\" { score :rule \"E\" \"1\"; }\n",
        "after.sieve");
    ASSERT_TRUE(before.ok() && after.ok());
    auto r = sequence({before, after}).run(msg, default_envelope());
    ASSERT_TRUE(r.ok());
    std::string rules;
    for (const auto& h : r.hits) rules += h.rule;
    EXPECT_EQ(rules, "ABDE");

    std::string many;
    for (int i = 0; i < 40; ++i)
        many += "To: User " + std::to_string(i) + " <u" + std::to_string(i) + "@example.net>\r\n";
    many += "From:\r\nSubject: s\r\n\r\nbody\r\n";
    auto t = [&](std::string cond) {
        // Twice in one run: the second reads what the first parsed.
        return run("require [\"relational\", \"comparator-i;ascii-numeric\"];\nif allof(" + cond + ", " +
                       cond + ") { discard; }",
                   many) == "discard";
    };
    EXPECT_TRUE(t("address :localpart :is \"to\" \"u39\""));
    EXPECT_TRUE(t("address :localpart :is \"to\" \"u0\""));
    EXPECT_FALSE(t("address :localpart :is \"to\" \"u40\""));
    EXPECT_TRUE(t("address :count \"eq\" :comparator \"i;ascii-numeric\" \"to\" \"40\""));
    EXPECT_TRUE(t("address :all :is \"from\" \"\""));         // the empty address
    EXPECT_FALSE(t("address :localpart :is \"from\" \"\""));  // has no local part
    EXPECT_TRUE(t("address :count \"eq\" :comparator \"i;ascii-numeric\" \"from\" \"1\""));

    // Values past the 64 bytes a cache key keeps inline (vm::raw_text),
    // alike in those: each field finds its own addresses.
    const std::string name = "\"A display name that runs on well past sixty-four bytes, and then some\"";
    auto two =
        "To: " + name + " <one@example.net>\r\nTo: " + name + " <two@example.net>\r\nSubject: s\r\n\r\nb\r\n";
    auto u = [&](std::string cond) {
        return run("require \"index\";\nif allof(" + cond + ", " + cond + ") { discard; }", two) == "discard";
    };
    EXPECT_TRUE(u("address :localpart :is \"to\" \"one\""));
    EXPECT_TRUE(u("address :localpart :is \"to\" \"two\""));
    EXPECT_FALSE(u("address :localpart :is \"to\" \"three\""));
    EXPECT_TRUE(
        u("allof(address :index 2 :localpart :is \"to\" \"two\", not address :index 2 :localpart :is \"to\" "
          "\"one\")"));
}

// The header tests look a constant field name up with the key the
// program computed when it was linked (program::name_keys); a name that
// is a template gets its key from its expansion.
TEST(tests, field_names_from_constants_and_templates) {
    auto t = [](std::string cond) {
        return run("require \"variables\"; set \"n\" \"SUBJECT\"; set \"f\" \"fro\";\nif " + cond +
                       " { discard; }",
                   sample_message) == "discard";
    };
    EXPECT_TRUE(t("exists \"${n}\""));
    EXPECT_FALSE(t("exists \"${n}x\""));
    EXPECT_TRUE(t("header :is \"${n}\" \"Hello world\""));
    EXPECT_TRUE(t("address :domain :is \"${f}m\" \"example.com\""));
    EXPECT_TRUE(t("header :is \"sUbJeCt\" \"Hello world\""));
    EXPECT_FALSE(t("header :is \"subjec\" \"Hello world\""));
    EXPECT_TRUE(t("address :localpart :is [\"cc\", \"to\"] \"carol\""));
}

// :is passes over keys of another length without comparing them; the
// key of the value's length still decides, whatever its place in the list.
TEST(tests, is_over_keys_of_every_length) {
    auto t = [](std::string cond) {
        return run("if " + cond + " { discard; }", sample_message) == "discard";
    };
    EXPECT_TRUE(t("header :is \"subject\" [\"Hello\", \"Hello worlds\", \"hello WORLD\"]"));
    EXPECT_FALSE(t("header :is \"subject\" [\"Hello\", \"Hello worl\", \"Hello worlds\", \"\"]"));
    EXPECT_FALSE(t("header :comparator \"i;octet\" :is \"subject\" [\"x\", \"hello world\"]"));
    EXPECT_TRUE(t("header :comparator \"i;octet\" :is \"subject\" [\"x\", \"Hello world\"]"));
    EXPECT_TRUE(t("not header :is \"x-none\" \"\""));
    EXPECT_TRUE(t("address :domain :is \"from\" [\"example\", \"example.comm\", \"EXAMPLE.COM\"]"));
}

TEST(tests, exists_needs_all_headers) {
    auto t = [](std::string cond) {
        return run("if " + cond + " { discard; }", sample_message) == "discard";
    };
    EXPECT_TRUE(t("exists [\"From\", \"subject\"]"));
    EXPECT_FALSE(t("exists [\"From\", \"X-Missing\"]"));
}

TEST(tests, size_is_strict) {
    std::string msg = sample_message;
    auto size = std::to_string(msg.size());
    auto t = [&](std::string cond) { return run("if " + cond + " { discard; }", msg) == "discard"; };
    EXPECT_FALSE(t("size :over " + size));
    EXPECT_FALSE(t("size :under " + size));
    EXPECT_TRUE(t("size :over " + std::to_string(msg.size() - 1)));
    EXPECT_TRUE(t("size :under " + std::to_string(msg.size() + 1)));
    EXPECT_TRUE(t("size :under 1K"));
}

TEST(tests, envelope_parts_and_null_sender) {
    auto t = [](std::string cond, envelope env) {
        return run("require \"envelope\"; if " + cond + " { discard; }", sample_message, env) == "discard";
    };
    envelope env{"Bounce@Example.ORG", "rcpt+tag@example.net", {}, "anna"};
    EXPECT_TRUE(t("envelope :domain :is \"from\" \"example.org\"", env));
    EXPECT_TRUE(t("envelope :localpart :is \"to\" \"rcpt+tag\"", env));
    EXPECT_TRUE(t("envelope :is \"auth\" \"anna\"", env));
    envelope null_sender{"", "rcpt@example.net", {}, {}};
    EXPECT_TRUE(t("envelope :is \"from\" \"\"", null_sender));
    EXPECT_TRUE(t("envelope :domain :is \"from\" \"\"", null_sender));  // RFC 5228 §5.4
    EXPECT_FALSE(t("envelope :is \"auth\" \"\"", null_sender));         // not authenticated: no value
}

TEST(tests, envelope_paths_as_smtp_reads_them) {
    auto t = [](std::string cond, std::string to) {
        return run("require \"envelope\"; if " + cond + " { discard; }", sample_message,
                   envelope{"s@example.org", to, {}, {}}) == "discard";
    };
    EXPECT_TRUE(t("envelope :is \"to\" \"MAILER-DAEMON\"", "<MAILER-DAEMON>"));  // RFC 5321 Postmaster form
    EXPECT_FALSE(t("envelope :is \"to\" \"MAILER-DAEMON\"", "MAILER-DAEMON@"));
    EXPECT_TRUE(t("envelope :localpart :is \"to\" \".japanese\"", ".japanese@example.com"));
    EXPECT_TRUE(t("envelope :domain :is \"to\" \"example.org\"", "<@relay.example.net:user@example.org>"));
    // A malformed source route makes the whole path invalid.
    EXPECT_FALSE(t("envelope :domain :contains \"to\" \"\"", "<@.example.org:user@example.org>"));
    EXPECT_FALSE(t("envelope :domain :contains \"to\" \"\"", "<cola.example.org:user@example.org>"));
}

TEST(tests, encoded_words_are_decoded_for_header_tests) {
    std::string msg = "Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus =?UTF-8?B?S8O2bG4=?=\r\n\r\nbody\r\n";
    EXPECT_EQ(run("if header :is \"subject\" \"Grüße aus Köln\" { discard; }", msg), "discard");
}

TEST(tests, folded_headers_are_unfolded) {
    std::string msg = "Subject: a long\r\n\tfolded\r\n  subject\r\n\r\nbody\r\n";
    EXPECT_EQ(run("if header :is \"subject\" \"a long\tfolded  subject\" { discard; }", msg), "discard");
}

TEST(run, needs_reflect_what_the_script_reads) {
    EXPECT_EQ(compiled("keep;").needs(), needs::envelope);
    EXPECT_EQ(compiled("require \"envelope\"; if envelope \"from\" \"a\" { keep; }").needs(),
              needs::envelope);
    EXPECT_EQ(compiled("if header \"a\" \"b\" { keep; }").needs(), needs::headers);
    EXPECT_EQ(compiled("if size :over 1 { keep; }").needs(), needs::body);
}

TEST(run, header_only_script_decides_at_end_of_headers) {
    message m;
    m.add_header("From", " anna@example.com");
    m.add_header("Subject", " urgent");
    m.end_headers();
    auto s = compiled("if header :is \"subject\" \"urgent\" { discard; }");
    ASSERT_EQ(s.needs(), needs::headers);
    EXPECT_EQ(summary(s.run(m, default_envelope())), "discard");
    m.append_body("body\r\n");
    EXPECT_EQ(summary(s.run(m, default_envelope())), "discard");
}

TEST(run, one_message_many_recipients) {
    auto s = compiled("require \"envelope\"; if envelope :localpart :is \"to\" \"a\" { discard; }");
    auto msg = message::from_raw(sample_message);
    EXPECT_EQ(summary(s.run(msg, envelope{"s@x.example", "a@x.example", {}, {}})), "discard");
    EXPECT_EQ(summary(s.run(msg, envelope{"s@x.example", "b@x.example", {}, {}})), "keep*");
}

TEST(run, action_lines_point_at_the_source) {
    auto s = compiled("require \"fileinto\";\nif true {\n  fileinto \"A\";\n}\n");
    auto msg = message::from_raw(sample_message);
    auto r = s.run(msg, default_envelope());
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(line(r.actions[0]), 3u);
}

}  // namespace
}  // namespace sift::testing
