// docs/BYTECODE.md lists every opcode as opcodes.def says: this test
// generates the list from the table and compares it with the committed
// file, so the document cannot go stale. After changing the table, write
// the new list into the file with
//
//     SIFT_UPDATE_BYTECODE_DOC=1 build/release/tests/sift_tests --gtest_filter='bytecode_doc.*'
//
// and review the diff (a changed number is a format change: see the
// document's "Versions").
#include "validate/registry.hpp"
#include "vm/program.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sift::testing {
namespace {

constexpr std::string_view begin_marker =
    "<!-- opcodes: generated from opcodes.def, see tests/vm/bytecode_doc_test.cpp -->\n";
constexpr std::string_view end_marker = "<!-- end of opcodes -->\n";

const std::string doc_path = std::string(SIFT_TEST_DATA) + "/../docs/BYTECODE.md";

std::string read_doc() {
    std::ifstream in(doc_path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(bytecode_doc, lists_the_opcode_table) {
    auto doc = read_doc();
    ASSERT_FALSE(doc.empty()) << "cannot read " << doc_path;
    auto begin = doc.find(begin_marker);
    auto end = doc.find(end_marker);
    ASSERT_NE(begin, std::string::npos) << doc_path << " lacks the line " << begin_marker;
    ASSERT_NE(end, std::string::npos) << doc_path << " lacks the line " << end_marker;
    ASSERT_LT(begin, end);
    begin += begin_marker.size();
    auto generated = vm::opcode_reference(validate::registry::standard().tables());
    if (std::getenv("SIFT_UPDATE_BYTECODE_DOC")) {
        doc.replace(begin, end - begin, generated);
        std::ofstream(doc_path, std::ios::binary) << doc;
        return;
    }
    EXPECT_EQ(doc.substr(begin, end - begin), generated)
        << "docs/BYTECODE.md is out of date; regenerate it as this test's opening comment says";
}

TEST(bytecode_doc, reference_has_a_row_per_opcode) {
    auto table = vm::opcode_reference(validate::registry::standard().tables());
    for (const auto& row : vm::opcode_rows) {
        auto cell = "| " + std::to_string(row.number) + " | `" + std::string(row.name) + "` |";
        EXPECT_NE(table.find(cell), std::string::npos) << cell;
    }
}

}  // namespace
}  // namespace sift::testing
