// The bytecode format: round trips, the disassembly, and rejection of every
// malformed image without crashing.
#include "api/internal.hpp"
#include "test_support.hpp"
#include "validate/registry.hpp"
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
    const auto* p = internal::program(s);
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
    p.code = {{vm::opcode::test_header, {0, 0, 0, 0}}};
    EXPECT_TRUE(vm::verify(p, error)) << error;
}

TEST(bytecode, dump_names_flag_operands) {
    auto dump =
        compiled(
            "require [\"duplicate\", \"variables\", \"enotify\", \"body\", \"mime\", "
            "\"foreverypart\"];\n"
            "if duplicate :header \"x-id\" :last { discard; }\n"
            "set :lower :upperfirst \"a\" \"B\";\n"
            "set \"b\" \"c\";\n"
            "notify :importance \"1\" :from \"a@example.com\" \"mailto:b@example.com\";\n"
            "if body :raw :contains \"x\" { keep; }\n"
            "foreverypart { if header :mime :anychild :subtype \"content-type\" \"pdf\" { keep; } }\n")
            .dump();
    EXPECT_NE(dump.find("duplicate (options header|last)"), std::string::npos) << dump;
    EXPECT_NE(dump.find("with modifiers lower|upperfirst"), std::string::npos) << dump;
    EXPECT_NE(dump.find("with modifiers none"), std::string::npos) << dump;
    EXPECT_NE(dump.find("flags importance=1|from)"), std::string::npos) << dump;
    EXPECT_NE(dump.find("body transform raw"), std::string::npos) << dump;
    EXPECT_NE(dump.find("reads options anychild|subtype"), std::string::npos) << dump;
}

TEST(bytecode, flag_constants_come_from_the_table) {
    EXPECT_EQ(vm::flag(vm::opcode::test_duplicate, "last"), 8u);
    EXPECT_EQ(vm::flag(vm::opcode::mime_select, "anychild"), 1u);
    EXPECT_EQ(vm::flag(vm::opcode::mime_select, "param"), 4u << 1);
    EXPECT_EQ(vm::flag(vm::opcode::act_notify, "importance"), 0xFFu);
    EXPECT_EQ(vm::flag(vm::opcode::act_notify, "message"), 1u << 9);
    EXPECT_EQ(vm::flag(vm::opcode::test_body, "content"), 2u);
}

TEST(bytecode, flag_bits_the_table_does_not_name_are_refused) {
    vm::program p;
    p.strings = {"h", "x"};
    p.lists.add({0});
    p.lines = {1};
    std::string error;
    p.code = {{vm::opcode::test_duplicate, {vm::flag(vm::opcode::test_duplicate, "last"), 0, 1, 0}}};
    EXPECT_TRUE(vm::verify(p, error)) << error;
    p.code = {{vm::opcode::test_duplicate, {16, 0, 1, 0}}};  // the row names bits 0-3 only
    EXPECT_FALSE(vm::verify(p, error));
    EXPECT_NE(error.find("(test_duplicate): operand 1 out of range"), std::string::npos) << error;
    p.code = {{vm::opcode::test_body, {0, 0, 3, 0, 0}}};  // transforms are 0-2
    EXPECT_FALSE(vm::verify(p, error));
    p.code = {{vm::opcode::mime_select, {5 << 1, 0}}};  // options are 1-4
    EXPECT_FALSE(vm::verify(p, error));
}

TEST(bytecode, opcode_numbers_are_the_rows_numbers) {
    // The file byte is the enum value is the table's number, whatever the
    // order of the rows.
    for (const auto& row : vm::opcode_rows) {
        EXPECT_TRUE(vm::known_opcode(row.number)) << row.name;
        EXPECT_EQ(vm::opcode_table[row.number].name, row.name);
    }
    EXPECT_FALSE(vm::known_opcode(255));
    vm::program p;
    p.code = {{vm::opcode::act_discard, {}}};
    p.lines = {1};
    auto image = vm::serialize(p);
    EXPECT_EQ(static_cast<unsigned char>(image[image.size() - 4]), 11u);  // act_discard is 11
}

TEST(bytecode, another_version_is_refused_saying_which) {
    auto image = compiled(rich_script).save();
    auto newer = image, older = image;
    newer[8] = 2;
    older[8] = 0;
    EXPECT_NE(format(script::load(newer).errors()).find("made by a newer Sift"), std::string::npos);
    EXPECT_NE(format(script::load(older).errors()).find("made by an older Sift"), std::string::npos);
}

// Comparator, match type and address part ids beyond RFC 5228's are the
// extensions': an id no registered extension defines is refused when the
// program is linked, so loading such an image fails.
TEST(bytecode, unknown_comparator_or_match_type_is_refused_when_linking) {
    vm::program p;
    p.strings = {"a"};
    p.lists.add({0});
    p.lines = {1};
    const auto& tables = validate::registry::standard().tables();
    std::string error;
    for (auto args : {std::array<std::uint64_t, 4>{9, 0, 0, 0}, std::array<std::uint64_t, 4>{0, 200, 0, 0}}) {
        p.code = {{vm::opcode::test_header, {args[0], args[1], args[2], args[3]}}};
        EXPECT_TRUE(vm::verify(p, error)) << error;  // well formed
        auto linked = p;
        EXPECT_FALSE(vm::link_matchers(linked, tables, error));
        EXPECT_NE(error.find("names no comparator, match type or address part"), std::string::npos) << error;
        EXPECT_FALSE(script::load(vm::serialize(p)).ok());
    }
    p.code = {{vm::opcode::test_header, {3, 0, 0, 0}}};  // i;unicode-casemap
    EXPECT_TRUE(vm::link_matchers(p, tables, error)) << error;
    EXPECT_TRUE(script::load(vm::serialize(p)).ok());
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
            // Mail is never lost: a run that fails keeps the message
            // (RFC 5228 §2.10.6), and nothing else.
            if (!r.ok()) {
                EXPECT_EQ(summary(r), "keep*") << "byte " << i << " = " << v;
            }
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
