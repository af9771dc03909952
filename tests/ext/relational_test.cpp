// RFC 5231: relational tests (:count and :value).
#include "ext/relational/relational.hpp"
#include "test_support.hpp"
#include "validate/registry.hpp"
#include "vm/match.hpp"

#include <sift/script.hpp>

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::relational_tests {
namespace {

constexpr const char* prelude =
    "require [\"relational\", \"comparator-i;ascii-numeric\", \"variables\", \"envelope\", \"fileinto\", "
    "\"subaddress\"];\n";

// RFC 5231 §6.
const char* rfc_message =
    "Received: ...\r\n"
    "Received: ...\r\n"
    "Subject: example\r\n"
    "To: foo@example.com, baz@example.com\r\n"
    "CC: qux@example.com\r\n"
    "\r\n";

bool holds(const std::string& test, std::string msg = rfc_message, envelope env = default_envelope()) {
    auto s = compiled(std::string(prelude) + "if " + test + " { fileinto \"yes\"; }");
    auto m = message::from_raw(std::move(msg));
    auto r = s.run(m, env);
    EXPECT_TRUE(r.ok());
    return !r.actions.empty() && mailbox_of(r.actions[0]) == "yes";
}

TEST(relational, rfc_examples) {
    EXPECT_TRUE(holds("address :count \"ge\" :comparator \"i;ascii-numeric\" [\"to\", \"cc\"] [\"3\"]"));
    EXPECT_FALSE(
        holds("anyof (address :count \"ge\" :comparator \"i;ascii-numeric\" [\"to\"] [\"3\"], "
              "address :count \"ge\" :comparator \"i;ascii-numeric\" [\"cc\"] [\"3\"])"));
    EXPECT_FALSE(holds("header :count \"ge\" :comparator \"i;ascii-numeric\" [\"received\"] [\"3\"]"));
    EXPECT_TRUE(
        holds("header :count \"ge\" :comparator \"i;ascii-numeric\" [\"received\", \"subject\"] [\"3\"]"));
    // header :count counts fields, not the addresses in them.
    EXPECT_FALSE(holds("header :count \"ge\" :comparator \"i;ascii-numeric\" [\"to\", \"cc\"] [\"3\"]"));
}

TEST(relational, every_operator) {
    struct row {
        const char* op;
        bool lt, eq, gt;  // result for the count 2 against keys 3, 2, 1
    };
    for (auto [op, lt, eq, gt] :
         {row{"gt", false, false, true}, row{"ge", false, true, true}, row{"lt", true, false, false},
          row{"le", true, true, false}, row{"eq", false, true, false}, row{"ne", true, false, true}}) {
        std::string test =
            std::string("header :count \"") + op + "\" :comparator \"i;ascii-numeric\" \"received\" ";
        EXPECT_EQ(holds(test + "\"3\""), lt) << op;
        EXPECT_EQ(holds(test + "\"2\""), eq) << op;
        EXPECT_EQ(holds(test + "\"1\""), gt) << op;
    }
}

TEST(relational, operator_is_case_insensitive) {
    EXPECT_TRUE(holds("header :count \"GE\" :comparator \"i;ascii-numeric\" \"received\" \"2\""));
}

TEST(relational, count_of_missing_header_is_zero) {
    EXPECT_TRUE(holds("header :count \"eq\" :comparator \"i;ascii-numeric\" \"x-none\" \"0\""));
    EXPECT_FALSE(holds("header :count \"gt\" :comparator \"i;ascii-numeric\" \"x-none\" \"0\""));
}

TEST(relational, count_any_key_of_the_list) {
    EXPECT_TRUE(holds("header :count \"eq\" :comparator \"i;ascii-numeric\" \"received\" [\"5\", \"2\"]"));
}

TEST(relational, count_with_the_default_comparator_compares_strings) {
    // i;ascii-casemap orders "2" after "10".
    EXPECT_TRUE(holds("header :count \"gt\" \"received\" \"10\""));
    EXPECT_FALSE(holds("header :count \"gt\" :comparator \"i;ascii-numeric\" \"received\" \"10\""));
}

TEST(relational, string_test_counts_non_empty_strings) {
    // RFC 5229 §5: the string test's :count counts only non-empty strings.
    EXPECT_TRUE(holds("string :count \"eq\" :comparator \"i;ascii-numeric\" [\"a\", \"\", \"b\"] \"2\""));
    EXPECT_TRUE(holds("string :count \"eq\" :comparator \"i;ascii-numeric\" [\"\"] \"0\""));
    EXPECT_TRUE(holds("string :count \"eq\" :comparator \"i;ascii-numeric\" \"${unset}\" \"0\""));
    EXPECT_TRUE(holds("string :count \"eq\" :comparator \"i;ascii-numeric\" [\"x\", \"${b}\"] \"1\""));
}

TEST(relational, address_count_ignores_the_address_part) {
    // RFC 5231 §4.2 counts addresses; "b" has no detail but still counts.
    std::string msg = "To: a+x@example.com, b@example.com\r\nCc: c+@example.com\r\nBcc:\r\n\r\n";
    auto s = compiled(std::string(prelude) +
                      "if address :count \"eq\" :detail :comparator \"i;ascii-numeric\" "
                      "[\"to\", \"cc\"] \"3\" { fileinto \"yes\"; }");
    auto m = message::from_raw(msg);
    EXPECT_EQ(summary(s.run(m, default_envelope())), "fileinto:yes");
    // An empty header holds the one empty address.
    EXPECT_TRUE(holds("address :count \"eq\" :comparator \"i;ascii-numeric\" \"bcc\" \"1\"", msg));
}

TEST(relational, envelope_count) {
    EXPECT_TRUE(holds("envelope :count \"eq\" :comparator \"i;ascii-numeric\" [\"from\", \"to\"] \"2\""));
}

TEST(relational, value_orders_with_the_comparator) {
    std::string msg = "X-Score: 15\r\nX-Name: bob\r\n\r\n";
    EXPECT_TRUE(holds("header :value \"gt\" :comparator \"i;ascii-numeric\" \"x-score\" \"9\"", msg));
    EXPECT_FALSE(holds("header :value \"gt\" :comparator \"i;octet\" \"x-score\" \"9\"", msg));  // "15" < "9"
    EXPECT_TRUE(holds("header :value \"lt\" \"x-name\" \"CAROL\"", msg));  // i;ascii-casemap: "BOB" < "CAROL"
    EXPECT_FALSE(
        holds("header :value \"lt\" :comparator \"i;octet\" \"x-name\" \"CAROL\"", msg));  // 'b' > 'C'
    EXPECT_TRUE(holds("header :value \"eq\" \"x-name\" \"BOB\"", msg));
    EXPECT_TRUE(holds("header :value \"ne\" \"x-name\" \"alice\"", msg));
}

TEST(relational, value_with_infinity) {
    std::string msg = "X-Score: none\r\n\r\n";
    EXPECT_TRUE(holds(
        "header :value \"gt\" :comparator \"i;ascii-numeric\" \"x-score\" \"99999999999999999999\"", msg));
    EXPECT_TRUE(holds("header :value \"eq\" :comparator \"i;ascii-numeric\" \"x-score\" \"n/a\"", msg));
}

TEST(relational, value_on_missing_header_is_false) {
    // No value to compare, even for "ne".
    EXPECT_FALSE(holds("header :value \"ne\" \"x-none\" \"a\""));
}

TEST(relational, value_of_address_parts) {
    EXPECT_TRUE(holds("address :value \"lt\" :domain \"to\" \"f\""));  // example.com < f
}

TEST(relational, invalid_operator_is_a_compile_error) {
    auto errors = compile_errors(std::string(prelude) +
                                 "if header :value \"gr\" \"from\" \"ah\" { keep; }\n"
                                 "if header :count \"lf\" \"from\" \"eek\" { keep; }");
    EXPECT_NE(errors.find("test.sieve:2:18: error: invalid relational operator 'gr' for :value"),
              std::string::npos)
        << errors;
    EXPECT_NE(errors.find("test.sieve:3:18: error: invalid relational operator 'lf' for :count"),
              std::string::npos)
        << errors;
}

TEST(relational, operator_must_be_a_constant) {
    auto errors = compile_errors(std::string(prelude) +
                                 "set \"op\" \"gt\";\nif header :value \"${op}\" \"a\" \"b\" { }");
    EXPECT_NE(errors.find("3:18: error: invalid relational operator '${op}'"), std::string::npos) << errors;
}

TEST(relational, operator_is_required) {
    // The tag takes the next string whatever it is; one error per command
    // (its operator is checked once the arguments are right).
    auto errors = compile_errors(std::string(prelude) + "if header :count \"to\" { }");
    EXPECT_NE(errors.find("2:4: error: 'header' expects 2 arguments, got 0"), std::string::npos) << errors;
    errors = compile_errors(std::string(prelude) + "if header :count \"to\" \"a\" \"b\" { }");
    EXPECT_NE(errors.find("2:18: error: invalid relational operator 'to' for :count"), std::string::npos)
        << errors;
    errors = compile_errors(std::string(prelude) + "if header :value [\"gt\", \"lt\"] \"to\" \"a\" { }");
    EXPECT_NE(errors.find("tag :value of test 'header' expects a string after it"), std::string::npos)
        << errors;
}

TEST(relational, requires_its_capability) {
    auto errors = compile_errors("if header :count \"eq\" \"to\" \"1\" { }");
    EXPECT_NE(errors.find("1:11: error: tag :count requires the \"relational\" capability"),
              std::string::npos)
        << errors;
}

TEST(relational, only_one_match_type) {
    auto errors = compile_errors(std::string(prelude) + "if header :is :count \"eq\" \"to\" \"1\" { }");
    EXPECT_NE(errors.find("only one match-type may be given; :count is a second one"), std::string::npos)
        << errors;
}

TEST(relational, operator_survives_bytecode) {
    auto s = compiled(std::string(prelude) +
                      "if header :count \"le\" :comparator \"i;ascii-numeric\" \"received\" \"2\" "
                      "{ fileinto \"yes\"; }");
    auto loaded = script::load(s.save());
    ASSERT_TRUE(loaded.ok()) << format(loaded.errors());
    auto m = message::from_raw(rfc_message);
    EXPECT_EQ(summary(loaded.run(m, default_envelope())), "fileinto:yes");
    EXPECT_NE(loaded.dump().find(":count \"le\""), std::string::npos) << loaded.dump();
}

TEST(relational, bytecode_verifier_checks_the_operator) {
    using vm::match_spec;
    const auto& tables = validate::registry::standard().tables();
    EXPECT_TRUE(vm::valid_packed_match(vm::pack(match_spec{{}, ext::match_count, vm::relation::ne}), tables));
    EXPECT_FALSE(
        vm::valid_packed_match(vm::pack(match_spec{{}, ext::match_count, vm::relation::none}), tables));
    EXPECT_FALSE(
        vm::valid_packed_match(vm::pack(match_spec{{}, vm::match_type::is, vm::relation::eq}), tables));
    EXPECT_FALSE(vm::valid_packed_match(std::uint64_t(ext::match_value) | 7u << 8, tables));
    // An id no extension registered is not a match type.
    EXPECT_FALSE(vm::valid_packed_match(std::uint64_t(200), tables));
    EXPECT_FALSE(vm::valid_packed_match(vm::pack(match_spec{{}, ext::match_count, vm::relation::ne}), {}));
}

}  // namespace
}  // namespace sift::testing::relational_tests
