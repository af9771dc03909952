// The bytecode format: round trips, the disassembly, and rejection of every
// malformed image without crashing.
#include "test_support.hpp"
#include "vm/program.hpp"

#include <random>

namespace sift::testing {
namespace {

constexpr const char* rich_script =
    "require [\"fileinto\", \"envelope\"];\n"
    "if anyof (header :contains \"subject\" [\"a\", \"b\"], not exists \"x\") {\n"
    "  fileinto \"A\";\n"
    "} elsif envelope :domain :is \"from\" \"example.com\" {\n"
    "  redirect \"r@example.com\";\n"
    "} elsif size :over 10K { discard; stop; }\n"
    "else { keep; }\n";

TEST(bytecode, round_trip_is_identical) {
    auto s = compiled(rich_script);
    auto image = s.save();
    auto loaded = script::load(image);
    ASSERT_TRUE(loaded.ok()) << format(loaded.errors());
    EXPECT_EQ(loaded.save(), image);
    EXPECT_EQ(loaded.capabilities(), (std::vector<std::string>{"fileinto", "envelope"}));
}

TEST(bytecode, constants_are_deduplicated) {
    auto s = compiled(
        "if header :is \"a\" \"x\" { keep; } if header :is \"a\" \"x\" { keep; } if header \"x\" \"a\" { "
        "keep; }");
    const auto* p = s.program();
    EXPECT_EQ(p->strings.size(), 2u);  // "a" and "x"
    EXPECT_EQ(p->lists.size(), 2u);    // ["a"] and ["x"]
}

TEST(bytecode, dump_shows_lines_and_synopsis) {
    auto dump = compiled(rich_script).dump();
    EXPECT_NE(dump.find("act_fileinto"), std::string::npos) << dump;
    EXPECT_NE(dump.find("fileinto \"A\""), std::string::npos) << dump;
    EXPECT_NE(dump.find("     3  act_fileinto"), std::string::npos) << dump;  // source line 3
}

TEST(bytecode, rejects_bad_magic_version_and_truncation) {
    auto image = compiled(rich_script).save();
    EXPECT_NE(format(script::load("hello").errors()).find("bad magic"), std::string::npos);
    auto v2 = image;
    v2[8] = 2;
    EXPECT_NE(format(script::load(v2).errors()).find("unsupported bytecode version 2"), std::string::npos);
    for (std::size_t n = 0; n < image.size(); ++n)
        EXPECT_FALSE(script::load(image.substr(0, n)).ok()) << "truncated at " << n;
    EXPECT_FALSE(script::load(image + "x").ok());
}

TEST(bytecode, rejects_out_of_range_operands) {
    vm::program p;
    p.strings = {"a"};
    p.lists.add({0});
    p.code = {{vm::opcode::act_fileinto, {1}}};
    p.lines = {1};
    std::string error;
    EXPECT_FALSE(vm::verify(p, error));
    EXPECT_NE(error.find("operand 1 out of range"), std::string::npos);
    p.code = {{vm::opcode::jump, {2}}};
    EXPECT_FALSE(vm::verify(p, error));
    p.code = {{vm::opcode::test_header, {9, 0, 0, 0}}};  // comparator 9 does not exist
    EXPECT_FALSE(vm::verify(p, error));
    p.code = {{vm::opcode::test_header, {0, 0, 0, 0}}};
    EXPECT_TRUE(vm::verify(p, error)) << error;
}

TEST(bytecode, unknown_capability_is_refused) {
    vm::program p;
    p.capabilities = {"vnd.unknown.thing"};
    auto loaded = script::load(vm::serialize(p));
    EXPECT_FALSE(loaded.ok());
    EXPECT_NE(format(loaded.errors()).find("vnd.unknown.thing"), std::string::npos);
}

// Every single-byte corruption of a valid image either loads into a
// verified program that runs within its budget, or is rejected.
TEST(bytecode, corrupted_images_never_crash) {
    auto image = compiled(rich_script).save();
    auto msg = message::from_raw(sample_message);
    std::mt19937 rng(42);
    int loaded = 0;
    for (std::size_t i = 0; i < image.size(); ++i) {
        for (int v : {0x00, 0x01, 0x7F, 0x80, 0xFF, int(rng() & 0xFF)}) {
            auto bad = image;
            bad[i] = char(v);
            auto s = script::load(bad);
            if (!s.ok()) continue;
            ++loaded;
            auto r = s.run(msg, default_envelope());
            EXPECT_FALSE(r.actions.empty());
        }
    }
    EXPECT_GT(loaded, 0);  // some corruptions (string bytes) are legitimately loadable
}

TEST(bytecode, backward_jump_loop_is_stopped_by_the_budget) {
    vm::program p;
    p.code = {{vm::opcode::jump, {0}}};
    p.lines = {1};
    auto s = script::load(vm::serialize(p));
    ASSERT_TRUE(s.ok()) << format(s.errors());
    auto msg = message::from_raw(sample_message);
    auto r = s.run(msg, default_envelope());
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
}

}  // namespace
}  // namespace sift::testing
