// The extension list (api/extensions.cpp, generated from the folders of
// libfilter/src/ext/) and the registry it builds: one descriptor per
// folder, every instruction owned by the core table or by exactly one
// extension, and registration in any order giving the same programs.
#include "api/compile.hpp"
#include "ext/extension.hpp"
#include "vm/opcodes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace sift::testing {
namespace {

namespace fs = std::filesystem;

TEST(extensions, one_descriptor_per_folder) {
    std::set<std::string> folders, named;
    for (const auto& e : fs::directory_iterator(fs::path(SIFT_TEST_DATA) / "../libfilter/src/ext"))
        if (e.is_directory()) folders.insert(e.path().filename().string());
    for (const ext::descriptor* d : ext::extensions()) {
        EXPECT_TRUE(d->add) << d->name << " registers nothing";
        EXPECT_TRUE(named.insert(std::string(d->name)).second) << d->name << " listed twice";
    }
    EXPECT_EQ(named, folders);
    EXPECT_GE(folders.size(), 38u);  // the standard extensions of SPEC.md
}

// RFC 5228's own instructions live in vm/opcodes.def; every other one is
// listed by exactly one extension's descriptor (from its opcodes.def).
TEST(extensions, every_instruction_has_one_owner) {
    const std::set<std::string_view> core = {"jump",         "jump_if_true", "jump_if_false", "stop",
                                             "test_true",    "test_false",   "test_header",   "test_address",
                                             "test_exists",  "test_size",    "act_keep",      "act_discard",
                                             "act_redirect", "call_host"};
    std::map<std::string_view, std::string_view> owner;
    for (const ext::descriptor* d : ext::extensions())
        for (vm::opcode op : ext::opcodes_of(*d)) {
            auto name = vm::info(op).name;
            EXPECT_FALSE(core.count(name)) << d->name << " claims core instruction " << name;
            auto [it, added] = owner.emplace(name, d->name);
            EXPECT_TRUE(added) << name << " claimed by " << it->second << " and " << d->name;
        }
    for (const auto& row : vm::opcode_rows) {
        if (!core.count(row.name)) {
            EXPECT_TRUE(owner.count(row.name)) << row.name << " has no extension";
        }
    }
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// What a registry makes of a script: its bytecode, or its errors.
std::string outcome(const std::string& source, const validate::registry& reg) {
    auto c = api::compile(source, "t.sieve", reg);
    if (c.ok()) return vm::serialize(*c.program);
    std::string errors;
    for (const auto& e : c.errors) errors += std::to_string(e.line) + ":" + e.message + "\n";
    return errors;
}

TEST(extensions, registration_order_does_not_matter) {
    auto list = ext::extensions();
    validate::registry reversed;
    for (auto it = list.rbegin(); it != list.rend(); ++it) (*it)->add(reversed);
    const auto& standard = validate::registry::standard();
    std::size_t scripts = 0, compiled = 0;
    for (const auto& e : fs::directory_iterator(fs::path(SIFT_TEST_DATA) / "differential/scripts")) {
        if (e.path().extension() != ".sieve") continue;
        auto source = read(e.path());
        auto forward = outcome(source, standard);
        EXPECT_EQ(forward, outcome(source, reversed)) << e.path().filename();
        ++scripts;
        compiled += api::compile(source, "t.sieve", standard).ok();
    }
    EXPECT_GT(scripts, 200u);
    EXPECT_GT(compiled, 150u);  // the comparison is over programs, not only errors
}

// One capability gives templates their values (vm::template_ops): the
// standard registry's is variables', and a second, different one is a
// registration error, not a silent replacement.
TEST(extensions, one_capability_gives_templates_their_values) {
    const auto* standard = validate::registry::standard().tables().templates;
    ASSERT_NE(standard, nullptr);
    EXPECT_NE(standard->expand, nullptr);
    EXPECT_NE(standard->captured, nullptr);
    validate::registry r;
    r.add(validate::capability_def{.name = "one", .templates = standard});
    r.add(validate::capability_def{.name = "again", .templates = standard});  // the same: allowed
    static constexpr vm::template_ops other{};
    EXPECT_THROW(r.add(validate::capability_def{.name = "other", .templates = &other}), std::logic_error);
    EXPECT_EQ(r.tables().templates, standard);
    EXPECT_EQ(r.capability("other"), nullptr);  // refused whole
}

}  // namespace
}  // namespace sift::testing
