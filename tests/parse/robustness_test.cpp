// Whatever the bytes, parse() returns: no crash, no exception, no endless
// loop, and diagnostics (every broken command's, up to the limit) that
// point inside the script, in source order. The
// inputs are derived from a valid script (every prefix, random mutations,
// random splices of its tokens) so they reach deep into the grammar.
#include "parse_helpers.hpp"

#include <random>
#include <string>

namespace sift::parse {
namespace {

using namespace testing;

std::string const valid_script = R"(require ["fileinto", "reject", "vacation"];
# hash comment
/* bracket
   comment */
if anyof (not exists "x-spam", header :contains ["subject", "from"] "\"buy\" \\now",
          size :over 10K, allof (true, false)) {
    fileinto :copy "INBOX.spam";
    vacation :days 7 :addresses ["me@example.com"] text:  # why
Gone fishing.
..and back soon
.
;
} elsif address :is :domain "from" "example.com" { keep; stop; }
else { discard; }
)";

// The diagnostics must be well formed, inside the script, in source order
// and within compile_limits::max_errors.
void expect_sane(std::string const& script) {
    parse_result r;
    ASSERT_NO_THROW(r = parse(script, "fuzz.sieve")) << script;
    ASSERT_LE(r.errors.size(), compile_limits{}.max_errors);
    if (r.ok()) return;
    for (std::size_t i = 0; i < r.errors.size(); ++i) {
        auto const& d = r.errors[i];
        EXPECT_GE(d.line, 1u) << script;
        EXPECT_GE(d.column, 1u) << script;
        EXPECT_FALSE(d.message.empty());
        if (i > 0) {
            auto const& p = r.errors[i - 1];
            EXPECT_TRUE(p.line < d.line || (p.line == d.line && p.column < d.column)) << script;
        }
    }
    EXPECT_TRUE(r.script.commands.empty()) << "no partial tree on error";
}

TEST(Robustness, ValidScriptParses) {
    parse_ok(valid_script);
}

TEST(Robustness, EveryPrefix) {
    for (std::size_t n = 0; n <= valid_script.size(); ++n) expect_sane(valid_script.substr(0, n));
}

TEST(Robustness, EverySuffix) {
    for (std::size_t n = 0; n <= valid_script.size(); ++n) expect_sane(valid_script.substr(n));
}

TEST(Robustness, RandomByteMutations) {
    std::mt19937 rng(5228);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 3000; ++round) {
        std::string s = valid_script;
        int const edits = 1 + round % 4;
        for (int e = 0; e < edits; ++e) {
            std::size_t at = rng() % s.size();
            switch (rng() % 3) {
                case 0:
                    s[at] = static_cast<char>(byte(rng));
                    break;
                case 1:
                    s.erase(at, 1 + rng() % 8);
                    break;
                default:
                    s.insert(at, 1, static_cast<char>(byte(rng)));
                    break;
            }
            if (s.empty()) s = "x";
        }
        expect_sane(s);
    }
}

// Random sequences of Sieve's significant characters and fragments: far
// more likely than random bytes to build deep or odd structures.
TEST(Robustness, RandomTokenSoup) {
    char const* const pieces[] = {"(",  ")",     "[",   "]",    "{",    "}",  ",",
                                  ";",  ":",     ":a",  "a",    "not ", "\"", "\"s\"",
                                  "\\", "text:", "\n",  "\r\n", "\r",   ".",  "..",
                                  "#",  "/*",    "*/",  " ",    "1",    "1K", "99999999999999999999",
                                  "\0", "\xff",  "if ", "true"};
    std::mt19937 rng(8);
    for (int round = 0; round < 3000; ++round) {
        std::string s;
        std::size_t const length = rng() % 60;
        for (std::size_t i = 0; i < length; ++i) {
            std::string_view piece = pieces[rng() % std::size(pieces)];
            if (piece.empty()) s += '\0';
            s += piece;
        }
        expect_sane(s);
    }
}

TEST(Robustness, RandomBytes) {
    std::mt19937 rng(42);
    for (int round = 0; round < 1000; ++round) {
        std::string s(rng() % 200, '\0');
        for (auto& c : s) c = static_cast<char>(rng());
        expect_sane(s);
    }
}

}  // namespace
}  // namespace sift::parse
