// RFC 5235 §3.1-3.2: spamtest and spamtestplus.
//
//   spamtest [":percent"] [COMPARATOR] [MATCH-TYPE] <value: string>
//
// The value tested is "0" (not tested) or "1".."10"; with :percent
// (spamtestplus only) "0".."100". The comparator defaults to
// i;ascii-numeric. spamtestplus implies spamtest: the test is registered
// once and its check accepts either capability. Where the score comes
// from: sift::host::score, else run_options' score_source,
// see ext/spamtest/score.cpp.
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/relational/relational.hpp"
#include "ext/spamtest/score.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

namespace {

void check_spamtest(checker& c, const binding& b) {
    if (!c.required("spamtest") && !c.required("spamtestplus"))
        c.error(b.pos,
                "test 'spamtest' requires the \"spamtest\" or \"spamtestplus\" capability "
                "(require \"spamtest\";)");
}

}  // namespace

void register_spamtest(registry& r) {
    r.add(capability_def{"spamtest"});
    r.add(capability_def{"spamtestplus"});
    r.add(tag_def{.name = "percent", .capability = "spamtestplus"});
    r.add(command_def{.name = "spamtest",
                      .is_test = true,
                      .positional = {arg_kind::string},
                      .tags = {"percent", "comparator", "match-type"},
                      .check = check_spamtest,
                      .emit = [](compile::emitter& e, const binding& b) {
                          parse::ast::string_list keys = b.list_arg(0);
                          e.emit(vm::opcode::test_spamtest,
                                 {std::uint64_t(b.has_tag("percent")), std::uint64_t(score_comparator(b)),
                                  vm::pack(b.match), e.list(keys)});
                      }});
}

}  // namespace sift::ext

namespace sift::vm {

// Shared by spamtest and virustest: one value against the keys.
void test_score(run_state& s, ext::score_test kind, match_spec spec, std::uint64_t keys) {
    auto value = ext::score_value(s, kind);
    s.flag = s.any_key(value, keys, spec);
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, keys, spec);
}

void exec_test_spamtest(run_state& s, const instruction& ins) {
    test_score(s, ins.arg[0] ? ext::score_test::spam_percent : ext::score_test::spam,
               s.match_spec_of(ins.arg[2], ins.arg[1]), ins.arg[3]);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor spamtest_extension{.name = "spamtest", .add = register_spamtest};

}  // namespace sift::ext
