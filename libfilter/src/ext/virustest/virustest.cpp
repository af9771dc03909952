// RFC 5235 §3.3: virustest.
//
//   virustest [COMPARATOR] [MATCH-TYPE] <value: string>
//
// The value tested is "0" (not tested), "1" (clean) .. "5" (infected);
// the comparator defaults to i;ascii-numeric. The source is
// sift::run_options::virustest (ext/spamtest/score.cpp reads it).
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/spamtest/score.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

void register_virustest(registry& r) {
    r.add(capability_def{"virustest"});
    r.add(command_def{.name = "virustest",
                      .is_test = true,
                      .capability = "virustest",
                      .positional = {arg_kind::string},
                      .tags = {"comparator", "match-type"},
                      .emit = [](compile::emitter& e, const binding& b) {
                          parse::ast::string_list keys = b.list_arg(0);
                          e.emit(vm::opcode::test_virustest,
                                 {std::uint64_t(score_comparator(b)), vm::pack(b.match), e.list(keys)});
                      }});
}

}  // namespace sift::ext

namespace sift::vm {

void test_score(run_state& s, ext::score_test kind, match_spec spec, std::uint64_t keys);  // ext/spamtest

void exec_test_virustest(run_state& s, const instruction& ins) {
    test_score(s, ext::score_test::virus, s.match_spec_of(ins.arg[1], ins.arg[0]), ins.arg[2]);
}

}  // namespace sift::vm

namespace sift::ext {

extern const descriptor virustest_extension{.name = "virustest", .add = register_virustest};

}  // namespace sift::ext
