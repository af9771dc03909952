// vm::phrase_index (the phrase lists of body :text :contains in one
// automaton) against the per-key search it replaces: folded memmem.
#include "vm/phrase_index.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

namespace sift::vm {
namespace {

std::string folded(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c + 32);
    return out;
}

bool naive(std::string_view text, const std::vector<std::string>& keys) {
    auto t = folded(text);
    for (const auto& k : keys)
        if (t.find(folded(k)) != std::string::npos) return true;
    return false;
}

std::vector<std::uint8_t> indexed(const std::vector<std::vector<std::string>>& lists, std::string_view text) {
    phrase_index index;
    for (std::size_t i = 0; i < lists.size(); ++i) {
        std::vector<std::string_view> keys(lists[i].begin(), lists[i].end());
        index.add_list(std::uint32_t(10 + i), keys);
    }
    EXPECT_TRUE(index.build());
    std::vector<std::uint8_t> found;
    index.search(text, found);
    EXPECT_EQ(found.size(), lists.size());
    return found;
}

TEST(phrase_index, lists_and_slots) {
    std::vector<std::vector<std::string>> lists{
        {"click here"}, {"Verify your account", "act now"}, {"qq", "ere"}};
    auto found = indexed(lists, "Please VERIFY YOUR ACCOUNT, then CLICK");
    EXPECT_EQ(found, (std::vector<std::uint8_t>{0, 1, 0}));
    found = indexed(lists, "xclick herex");  // "ere" ends inside "click here": a failure link
    EXPECT_EQ(found, (std::vector<std::uint8_t>{1, 0, 1}));
    found = indexed(lists, "");
    EXPECT_EQ(found, (std::vector<std::uint8_t>{0, 0, 0}));
    phrase_index index;
    std::vector<std::string_view> keys{"a"};
    index.add_list(7, keys);
    index.add_list(3, keys);
    index.add_list(7, keys);  // a list added again keeps its slot
    ASSERT_TRUE(index.build());
    EXPECT_EQ(index.slot(7), 0);
    EXPECT_EQ(index.slot(3), 1);
    EXPECT_EQ(index.lists(), 2u);
    for (std::uint32_t list : {0u, 2u, 4u, 6u, 8u, 1000u}) EXPECT_EQ(index.slot(list), -1) << list;
}

TEST(phrase_index, empty_key_is_in_every_text) {
    std::vector<std::vector<std::string>> lists{{"absent", ""}, {"absent"}};
    EXPECT_EQ(indexed(lists, ""), (std::vector<std::uint8_t>{1, 0}));
    EXPECT_EQ(indexed(lists, "text"), (std::vector<std::uint8_t>{1, 0}));
}

TEST(phrase_index, folds_ascii_only) {
    // i;ascii-casemap: A-Z only; other bytes (UTF-8 included) as they are.
    std::vector<std::vector<std::string>> lists{{"d\xC3\xA9sabonner"}, {"\xC3\x89T\xC3\x89"}};
    EXPECT_EQ(indexed(lists, "Se D\xC3\xA9SABONNER ici"), (std::vector<std::uint8_t>{1, 0}));
    EXPECT_EQ(indexed(lists, "se d\xC3\x89sabonner"), (std::vector<std::uint8_t>{0, 0}));
    EXPECT_EQ(indexed(lists, "\xC3\x89t\xC3\x89"), (std::vector<std::uint8_t>{0, 1}));
}

// A state's row is its failure state's with its own edges over it: the
// failure state's edges include those to states as deep as its own
// children (made later in the breadth-first order), and chains of
// failure links.
TEST(phrase_index, rows_follow_failure_states) {
    std::vector<std::vector<std::string>> lists{{"abcd"}, {"bce"}, {"cf"}, {"aaab"}};
    EXPECT_EQ(indexed(lists, "abce"), (std::vector<std::uint8_t>{0, 1, 0, 0}));
    EXPECT_EQ(indexed(lists, "abcf"), (std::vector<std::uint8_t>{0, 0, 1, 0}));
    EXPECT_EQ(indexed(lists, "aaaab"), (std::vector<std::uint8_t>{0, 0, 0, 1}));
    EXPECT_EQ(indexed(lists, "aabcd"), (std::vector<std::uint8_t>{1, 0, 0, 0}));
}

// The search takes eight octets a round, then the rest one by one, and
// stops once every list is found: a key ending at any octet of a text of
// any length is found, and so are keys after another list's.
TEST(phrase_index, keys_end_anywhere_in_the_text) {
    std::vector<std::vector<std::string>> lists{{"xyz"}, {"q"}};
    for (std::size_t len = 3; len < 20; ++len)
        for (std::size_t at = 0; at + 3 <= len; ++at) {
            std::string text(len, '.');
            text.replace(at, 3, "XyZ");
            EXPECT_EQ(indexed(lists, text), (std::vector<std::uint8_t>{1, 0})) << text;
            text[len - 1 - at] = 'q';  // the last octets of the key too, at times
            auto found = indexed(lists, text);
            EXPECT_EQ(found[1], 1) << text;
            EXPECT_EQ(found[0] != 0, naive(text, lists[0])) << text;
        }
    EXPECT_EQ(indexed({{"a"}, {"b"}, {"c"}}, "ab.c....."), (std::vector<std::uint8_t>{1, 1, 1}));
    EXPECT_EQ(indexed({{"a"}, {"b"}, {"c"}}, "cb..a"), (std::vector<std::uint8_t>{1, 1, 1}));
}

// The table is made by the first search, once, whichever thread asks
// first; the keys are the index's own copies (the strings added may go).
TEST(phrase_index, made_by_the_first_search_of_any_thread) {
    phrase_index index;
    {
        std::vector<std::string> owned{"click here", "act now"};
        std::vector<std::string_view> keys(owned.begin(), owned.end());
        index.add_list(0, keys);
    }
    ASSERT_TRUE(index.build());
    std::vector<std::vector<std::uint8_t>> found(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < found.size(); ++i)
        threads.emplace_back([&, i] { index.search(i % 2 ? "please ACT NOW" : "nothing here", found[i]); });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < found.size(); ++i)
        EXPECT_EQ(found[i], (std::vector<std::uint8_t>{std::uint8_t(i % 2)})) << i;
}

// Random lists over a small alphabet (many shared prefixes and suffixes)
// against the naive search.
TEST(phrase_index, same_answers_as_the_per_key_search) {
    std::mt19937 rng(5228);
    const std::string alphabet = "abAB c\xC3";
    auto word = [&](std::size_t max) {
        std::string w(std::uniform_int_distribution<std::size_t>(1, max)(rng), ' ');
        for (auto& c : w) c = alphabet[rng() % alphabet.size()];
        return w;
    };
    for (int round = 0; round < 300; ++round) {
        std::vector<std::vector<std::string>> lists(1 + rng() % 6);
        for (auto& l : lists) {
            l.resize(1 + rng() % 5);
            for (auto& k : l) k = word(6);
        }
        auto text = word(80);
        auto found = indexed(lists, text);
        for (std::size_t i = 0; i < lists.size(); ++i)
            EXPECT_EQ(found[i] != 0, naive(text, lists[i])) << "round " << round << " list " << i;
    }
}

}  // namespace
}  // namespace sift::vm
