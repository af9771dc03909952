// draft-ietf-sieve-regex-01: the ":regex" match type.
//
//   MATCH-TYPE =/ ":regex"          (§3, with the header, address,
//                                    envelope and string tests)
//   set MODIFIER =/ ":quoteregex"   (§4, precedence 20, with variables)
//
// Patterns are PCRE2 (the draft names POSIX extended expressions; PCRE2
// accepts that syntax and more). The comparator picks the case handling:
// i;octet is case-sensitive, i;ascii-casemap caseless for ASCII, and
// i;unicode-casemap caseless for Unicode (UTF mode); i;ascii-numeric has
// no substring operation and is refused by the validator. A match is a
// search anywhere in the value; "${0}" is what the expression matched and
// "${1}".."${9}" its groups (§3.1).
//
// Compilation: constant keys are compiled at validation to report errors
// with their offset (pcre2_compile() alone: the JIT reports none), and
// compiled and JIT-compiled when the program is linked, into
// program::regexes (a table by string id), which every run and thread shares read-only. Keys built from
// variables are compiled at run time (one compiled pattern cached per thread). Match data, the match context
// and the JIT stack are per thread.
//
// Limits: every match runs with eval_limits::regex_match_limit,
// regex_depth_limit and regex_heap_limit_kib, and all of a run's matches
// share regex_time_budget. Reaching one (catastrophic backtracking such as
// "(a+)+$", or "(word )+$" on a long value, which is quadratic and never
// reaches the match limit since PCRE2 counts it per start position) ends
// the run with a runtime error, like the instruction budget: the script's
// actions are cancelled and the message is kept (RFC 5228 §2.10.6), and
// the result says which line and why. Silently treating the test as false
// would let a crafted message skip the rules after it without a trace; an
// invalid pattern from variables is handled the same way.
//
// The time budget: PCRE2 has no deadline, so every pattern is compiled
// with a callout, (?C255), as its first item (after the start-of-pattern
// options such as (*UTF), which must stay first, and after the literal
// characters the pattern begins with, when it has no alternative at its
// top level: "lose(?C255) [0-9]+"). The matcher calls it each
// time it tries a new start position (that holds the literal), in the JIT and the interpreter alike,
// and it looks at the clock every few calls: a run stops at most that many
// attempts (each bounded by regex_match_limit) after its budget ran out. A
// pattern the callout cannot precede (it does not compile with it) runs
// without, bounded by the other limits only. So does an anchored one
// ("^...") that the JIT compiles: it has one start position, and the JIT
// checks every few attempts, never after the first. The cost is a call
// per attempt, noticeable only for patterns that try most positions of a
// long value.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "ext/regex/regex.hpp"

#include "compile/emitter.hpp"
#include "ext/comparator_ascii_numeric/ascii_numeric.hpp"
#include "ext/comparator_unicode_casemap/unicode_casemap.hpp"
#include "ext/extension.hpp"
#include "validate/registry.hpp"
#include "vm/program.hpp"
#include "vm/run_state.hpp"

#include <pcre2.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>

namespace {

// What PCRE2 says of a compiled pattern.
bool uses_jit(const pcre2_code* code) {
    std::size_t size = 0;
    return pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &size) == 0 && size > 0;
}

std::uint32_t all_options(const pcre2_code* code) {
    std::uint32_t options = 0;
    pcre2_pattern_info(code, PCRE2_INFO_ALLOPTIONS, &options);
    return options;
}

std::uint32_t pattern_value(const pcre2_code* code, std::uint32_t what) {
    std::uint32_t value = 0;
    pcre2_pattern_info(code, what, &value);
    return value;
}

// Whether `v` holds `unit`, or its other ASCII case when it is a letter:
// PCRE2 does not say whether a first or required code unit is matched
// caselessly (a "(?i)" inside an i;octet pattern), so both are allowed.
bool holds_unit(std::string_view v, char unit) {
    if (std::memchr(v.data(), unit, v.size())) return true;
    auto lower = static_cast<unsigned char>(unit | 0x20);
    return lower >= 'a' && lower <= 'z' && std::memchr(v.data(), unit ^ 0x20, v.size());
}

}  // namespace

namespace sift::vm {

// One compiled pattern; immutable after construction.
struct regex_code {
    pcre2_code* code = nullptr;
    bool jit = false;  // JIT-compiled
    // Matched with pcre2_jit_match(), which leaves out pcre2_match()'s
    // checks of its arguments and of the subject's UTF-8: JIT-compiled,
    // and UTF off or with PCRE2_MATCH_INVALID_UTF (only a pattern's own
    // "(*UTF)" turns it on without), so no subject needs that check.
    bool fast = false;

    // What every match needs of the subject, from PCRE2's study of the
    // pattern: its shortest length, the code unit (or, anchored, the set
    // of units) a match starts with, a code unit it must hold. PCRE2
    // checks the same before its first attempt; checked here first, a
    // subject that cannot match (a Subject without the "$" of "\$[0-9]",
    // one not starting with "[", "(" or "a" for "^[[(]?adv?") is answered
    // without the call: some 170 instructions of pcre2_jit_match()'s and
    // the JIT code's entry and exit, more than the checks. Left off (all
    // subjects go to PCRE2) in UTF mode, where lengths and units are
    // characters, and with (*NO_START_OPT), which asks for every attempt.
    struct start_checks {
        bool on = false;
        std::size_t min_length = 0;
        bool anchored = false;
        int first = -1;                           // a code unit below 128, or -1
        const std::uint8_t* first_set = nullptr;  // anchored: 256 bits, or null
        int required = -1;                        // a code unit below 128, or -1
    } checks;

    explicit regex_code(pcre2_code* c) : code(c), jit(uses_jit(c)) {
        auto options = all_options(c);
        fast = jit && (!(options & PCRE2_UTF) || (options & PCRE2_MATCH_INVALID_UTF));
        if (!(options & (PCRE2_UTF | PCRE2_NO_START_OPTIMIZE))) {
            checks.on = true;
            checks.min_length = pattern_value(c, PCRE2_INFO_MINLENGTH);
            checks.anchored = (options & PCRE2_ANCHORED) != 0;
            if (pattern_value(c, PCRE2_INFO_FIRSTCODETYPE) == 1 &&
                pattern_value(c, PCRE2_INFO_FIRSTCODEUNIT) < 128)
                checks.first = int(pattern_value(c, PCRE2_INFO_FIRSTCODEUNIT));
            if (checks.anchored && checks.first < 0)
                pcre2_pattern_info(c, PCRE2_INFO_FIRSTBITMAP, &checks.first_set);
            if (pattern_value(c, PCRE2_INFO_LASTCODETYPE) == 1 &&
                pattern_value(c, PCRE2_INFO_LASTCODEUNIT) < 128)
                checks.required = int(pattern_value(c, PCRE2_INFO_LASTCODEUNIT));
        }
    }

    // False when no match of the pattern can be in `v`.
    bool may_match(std::string_view v) const {
        if (!checks.on) return true;
        if (v.size() < checks.min_length) return false;
        if (checks.anchored) {
            if (v.empty()) return true;  // left to PCRE2 (min_length said what it could)
            if (checks.first >= 0 && !same_casemap(v[0], char(checks.first))) return false;
            auto c = static_cast<unsigned char>(v[0]);
            if (checks.first_set && !(checks.first_set[c / 8] & (1u << (c % 8)))) return false;
        } else if (checks.first >= 0 && !holds_unit(v, char(checks.first))) {
            return false;
        }
        return checks.required < 0 || holds_unit(v, char(checks.required));
    }
    regex_code(const regex_code&) = delete;
    regex_code& operator=(const regex_code&) = delete;
    ~regex_code() { pcre2_code_free(code); }
};

}  // namespace sift::vm

namespace sift::ext {
namespace {

using vm::comparator;

std::uint32_t options_for(comparator cmp) {
    switch (cmp) {
        case comparator::ascii_casemap:
            return PCRE2_CASELESS;
        default:
            break;
    }
    if (cmp == comparator_unicode_casemap)
        return PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
    return 0;
}

std::string error_text(int code) {
    PCRE2_UCHAR buf[256];
    if (pcre2_get_error_message(code, buf, sizeof buf) < 0) return "error " + std::to_string(code);
    return reinterpret_cast<const char*>(buf);
}

struct compiled {
    std::shared_ptr<const vm::regex_code> code;
    std::string error;  // when code is null
};

// The callout that checks the time budget (user patterns may have callouts
// of their own; they are ignored as before).
constexpr std::uint32_t budget_callout = 255;

// Whether `pattern` may have an alternative at its top level ("a|b"), or
// Sift cannot tell (a \Q quote, a (?#comment), '#' as (?x) reads it):
// then a callout after its first characters would precede only the first
// branch's.
bool may_branch_at_top(std::string_view pattern) {
    int depth = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '\\') {
            if (i + 1 < pattern.size() && pattern[i + 1] == 'Q') return true;
            ++i;
        } else if (c == '[') {  // a class, to its ']' (a first ']' is one of its characters)
            ++i;
            if (i < pattern.size() && pattern[i] == '^') ++i;
            if (i < pattern.size() && pattern[i] == ']') ++i;
            for (; i < pattern.size() && pattern[i] != ']'; ++i) {
                if (pattern[i] == '\\') {
                    ++i;
                } else if (pattern.substr(i, 2) == "[:") {  // [:alpha:]
                    auto end = pattern.find(":]", i + 2);
                    if (end == std::string_view::npos) return true;
                    i = end + 1;
                }
            }
        } else if (c == '(') {
            if (pattern.substr(i, 3) == "(?#") return true;
            ++depth;
        } else if (c == ')') {
            --depth;
        } else if ((c == '|' && depth <= 0) || c == '#') {
            return true;
        }
    }
    return false;
}

// The length of the literal characters `pattern` begins with, each a
// character that matches itself (letters, digits, space, and punctuation
// that is no operator), less the last when a quantifier follows it.
std::size_t literal_start(std::string_view pattern) {
    auto literal = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view(" <>=:;,!\"'%&@~_-/`").find(c) != std::string_view::npos;
    };
    std::size_t n = 0;
    while (n < pattern.size() && literal(pattern[n])) ++n;
    if (n > 0 && n < pattern.size() && std::string_view("?*+{").find(pattern[n]) != std::string_view::npos)
        --n;
    return n;
}

// `pattern` with the budget callout as its first item, after the
// start-of-pattern options ("(*UTF)", "(*LIMIT_MATCH=100)", ...), and after
// the literal characters it then begins with, unless it may have an
// alternative at its top level. PCRE2 searches for a literal start by
// itself, and a callout before it would be called at every position that
// holds its first character (for "lose [0-9]+..." every 'l' of the text:
// most of the search's cost); an attempt that fails within the literal
// costs a few octets' comparisons, so the attempts the budget does not see
// are short.
std::string with_budget_callout(std::string_view pattern) {
    std::size_t at = 0;
    while (pattern.substr(at, 2) == "(*") {
        std::size_t close = pattern.find(')', at);
        if (close == std::string_view::npos) break;
        auto inner = pattern.substr(at + 2, close - at - 2);
        bool option = !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '=';
        });
        if (!option) break;
        at = close + 1;
    }
    if (!may_branch_at_top(pattern.substr(at))) at += literal_start(pattern.substr(at));
    return std::string(pattern.substr(0, at)) + "(?C" + std::to_string(budget_callout) + ")" +
           std::string(pattern.substr(at));
}

pcre2_code* compile_code(std::string_view pattern, comparator cmp, int& error, PCRE2_SIZE& offset) {
    return pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options_for(cmp),
                         &error, &offset, nullptr);
}

bool anchored(const pcre2_code* code) {
    return (all_options(code) & PCRE2_ANCHORED) != 0;
}

// Reading the clock costs more than a JIT attempt that fails at once, so
// the JIT's attempts are checked in batches; the interpreter's are slower
// and each is checked.
constexpr std::uint32_t jit_attempts_per_check = 16;

// `pattern` compiled (not JIT-compiled) with the budget callout, else as
// written; null when neither compiles, with the error for the pattern as
// written (offsets included).
pcre2_code* compile_plain(std::string_view pattern, comparator cmp, std::string& error_text_out) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code = compile_code(with_budget_callout(pattern), cmp, error, offset);
    if (!code) {
        code = compile_code(pattern, cmp, error, offset);
        if (!code) error_text_out = error_text(error) + " at offset " + std::to_string(offset);
    }
    return code;
}

compiled compile(std::string_view pattern, comparator cmp) {
    std::string error;
    pcre2_code* code = compile_plain(pattern, cmp, error);
    if (!code) return {nullptr, error};
    // An anchored pattern ("^...", PCRE2_INFO_ALLOPTIONS says, before any
    // JIT compile) has one start position: under the JIT its callout is
    // called once a match and never checks (every jit_attempts_per_check),
    // so it goes, with the cost of the call; it is compiled as written
    // and JIT-compiled alone. The interpreter checks at each call: without
    // the JIT the callout is kept.
    if (anchored(code)) {
        int e = 0;
        PCRE2_SIZE offset = 0;
        if (pcre2_code* plain = compile_code(pattern, cmp, e, offset)) {
            if (pcre2_jit_compile(plain, PCRE2_JIT_COMPLETE) == 0 && uses_jit(plain)) {
                pcre2_code_free(code);
                return {std::make_shared<const vm::regex_code>(plain), {}};
            }
            pcre2_code_free(plain);
        }
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // without JIT support the interpreter runs it
    return {std::make_shared<const vm::regex_code>(code), {}};
}

// What the budget callout reads: when the run's budget ends, and how many
// start positions the current match has tried.
// What the budget callout reads and writes for the current match. The
// clock is first read at the first check: a match that ends sooner (most
// matches on header fields try only a few start positions) reads it never,
// and what it took, at most check_every attempts each bounded by
// regex_match_limit, is not charged.
struct time_budget {
    std::chrono::steady_clock::duration left{};  // what the run has left
    std::uint32_t check_every = 1;
    // Attempts before the next check: counted down, not a count divided by
    // check_every at each of some 60,000 callouts over the bench corpus.
    std::uint32_t until_check = 1;
    bool started = false;  // the clock was read: `start` and `deadline` are set
    bool expired = false;
    std::chrono::steady_clock::time_point start, deadline;
};

int check_budget(pcre2_callout_block* block, void* data) {
    if (block->callout_number != budget_callout) return 0;
    auto& budget = *static_cast<time_budget*>(data);
    if (--budget.until_check != 0) return 0;
    budget.until_check = budget.check_every;
    auto now = std::chrono::steady_clock::now();
    if (!budget.started) {
        budget.started = true;
        budget.start = now;
        budget.deadline = now + budget.left;
    }
    if (now < budget.deadline) return 0;
    budget.expired = true;
    return PCRE2_ERROR_CALLOUT;  // abandons the match with this code
}

std::uint64_t cache_key(std::uint32_t id, comparator cmp) {
    return std::uint64_t(id) << 8 | std::uint64_t(cmp);
}

// Per-thread match state: the programs are shared, these are not.
struct scratch {
    // ${0}..${99}: the match variables Sift keeps (vm::max_match_values).
    pcre2_match_data* data = pcre2_match_data_create(std::uint32_t(vm::max_match_values), nullptr);
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    // 2 MiB: the budget callout makes each JIT backtracking frame about
    // twice as large, and a repeat as long as before must still fit.
    pcre2_jit_stack* stack =
        pcre2_jit_stack_create(std::size_t{32} * 1024, std::size_t{2048} * 1024, nullptr);
    // The last pattern compiled at run time.
    std::string pattern;
    comparator cmp{};
    compiled last;
    // The match, depth and heap limits set in `context`: set at a thread's
    // first match and again only when a run's eval_limits differ, not at
    // every match (three calls into PCRE2).
    std::optional<std::array<std::uint32_t, 3>> limits;

    time_budget budget;

    scratch() {
        pcre2_jit_stack_assign(context, nullptr, stack);
        pcre2_set_callout(context, check_budget, &budget);
    }
    ~scratch() {
        pcre2_jit_stack_free(stack);
        pcre2_match_context_free(context);
        pcre2_match_data_free(data);
    }
};

scratch& thread_scratch() {
    thread_local scratch s;
    return s;
}

bool limit_error(int rc) {
    return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
           rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

// draft-ietf-sieve-regex-01 §3: the key list of the tests it extends.
const parse::ast::string_list& keys_of(const validate::binding& b) {
    return b.list_arg(b.positional.size() - 1);
}

void check_regex(validate::checker& c, validate::binding& b) {
    if (!b.well_formed || b.positional.empty() || b.match.type != match_regex) return;
    if (b.match.cmp == comparator_ascii_numeric) return;  // reported by the validator
    for (const auto& key : keys_of(b).items) {
        if (c.is_template(key.value)) continue;  // compiled at run time
        // Only pcre2_compile() reports errors: no JIT compile here (the
        // link compiles the program's patterns again, JIT and all).
        std::string error;
        if (pcre2_code* code = compile_plain(key.value, b.match.cmp, error))
            pcre2_code_free(code);
        else
            c.error(key.pos, "invalid regular expression '" + std::string(key.value) + "': " + error);
    }
}

}  // namespace

std::string quote_regex(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (std::string_view("\\.^$|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

namespace {

// Per opcode, where its match type, comparator and key list operands are,
// when it has all three (a match test): worked out once from the table.
struct match_operands {
    bool present = false;
    std::uint8_t m = 0, c = 0, l = 0;
};

const std::array<match_operands, vm::opcode_space>& match_operand_table() {
    static const auto table = [] {
        std::array<match_operands, vm::opcode_space> out{};
        for (std::size_t op = 0; op < vm::opcode_space; ++op) {
            auto operands = vm::opcode_table[op].operands;
            auto m = operands.find('m'), c = operands.find('c'), l = operands.rfind('l');
            if (m != std::string_view::npos && c != std::string_view::npos && l != std::string_view::npos)
                out[op] = {true, std::uint8_t(m), std::uint8_t(c), std::uint8_t(l)};
        }
        return out;
    }();
    return table;
}

}  // namespace

namespace {

// The compiled form of constant key `id` under `cmp` (program::regexes),
// else null.
const vm::regex_code* constant_code(const vm::program& p, std::uint32_t id, comparator cmp) {
    if (id < p.regexes.size() && p.regexes[id].cmp == cmp) [[likely]]
        return p.regexes[id].code.get();
    if (p.other_regexes.empty()) return nullptr;
    auto it = p.other_regexes.find(cache_key(id, cmp));
    return it != p.other_regexes.end() ? it->second.get() : nullptr;
}

// Compiles the constant :regex keys of `p` into p.regexes.
void link_regexes(vm::program& p) {
    p.regexes.clear();
    p.other_regexes.clear();
    const auto& table = match_operand_table();
    for (const auto& ins : p.code) {
        auto [present, m, c, l] = table[static_cast<std::size_t>(ins.op)];
        if (!present || (ins.arg[m] & 0xFF) != std::uint64_t(match_regex) || ins.arg[l] >= p.lists.size())
            continue;
        auto cmp = static_cast<comparator>(ins.arg[c]);
        for (auto id : p.lists[ins.arg[l]]) {
            if (p.is_template[id] || constant_code(p, id, cmp)) continue;
            // An invalid pattern (only in a hand-made bytecode file) is left
            // out: compiling it again at run time reports the error.
            auto result = compile(p.strings[id], cmp);
            if (!result.code) continue;
            if (p.regexes.empty()) p.regexes.resize(p.strings.size());
            if (auto& entry = p.regexes[id]; !entry.code)
                entry = {result.code, cmp};
            else
                p.other_regexes.emplace(cache_key(id, cmp), result.code);
        }
    }
}

namespace {

// The time this run's matches took so far, against regex_time_budget.
struct regex_run : vm::run_slot {
    std::chrono::steady_clock::duration spent{};
};

[[noreturn]] void out_of_time(const vm::run_state& s, std::string_view key) {
    throw vm::runtime_error{
        "regular expression '" + std::string(key) +
        "' stopped: this run's regex time budget is used up (eval_limits regex_time_budget " +
        std::to_string(s.limits.regex_time_budget.count()) + " ms)"};
}

// The compiled form of a key built from variables: the thread's last one
// when it is the same pattern, else compiled now.
[[gnu::noinline]] const vm::regex_code& run_time_code(scratch& t, std::string_view key, comparator cmp) {
    if (!t.last.code || t.pattern != key || t.cmp != cmp) {
        t.last = compile(key, cmp);
        t.pattern.assign(key);
        t.cmp = cmp;
    }
    if (!t.last.code)
        throw vm::runtime_error{"invalid regular expression '" + std::string(key) + "': " + t.last.error};
    return *t.last.code;
}

[[noreturn, gnu::noinline]] void match_failed(const vm::run_state& s, std::string_view key, int rc) {
    if (limit_error(rc))
        throw vm::runtime_error{"regular expression '" + std::string(key) + "' stopped: " + error_text(rc) +
                                " (eval_limits regex_match_limit " +
                                std::to_string(s.limits.regex_match_limit) + ", regex_depth_limit " +
                                std::to_string(s.limits.regex_depth_limit) + ", regex_heap_limit_kib " +
                                std::to_string(s.limits.regex_heap_limit_kib) + ")"};
    throw vm::runtime_error{"regular expression '" + std::string(key) + "': " + error_text(rc)};
}

void set_limits(scratch& t, const std::array<std::uint32_t, 3>& limits) {
    pcre2_set_match_limit(t.context, limits[0]);
    pcre2_set_depth_limit(t.context, limits[1]);
    pcre2_set_heap_limit(t.context, limits[2]);
    t.limits = limits;
}

// [0] what the whole expression matched, [1].. its groups (unset groups
// empty), from a match that returned `rc`.
void copy_captures(const scratch& t, int rc, std::vector<vm::span>& captures) {
    // rc == 0: more groups than the pairs kept; those are dropped.
    auto pairs = rc == 0 ? pcre2_get_ovector_count(t.data) : std::uint32_t(rc);
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(t.data);
    captures.clear();
    for (std::size_t i = 0; i < pairs; ++i) {
        if (ov[2 * i] == PCRE2_UNSET || ov[2 * i + 1] < ov[2 * i])
            captures.push_back({0, 0});
        else
            captures.push_back({ov[2 * i], ov[2 * i + 1] - ov[2 * i]});
    }
}

}  // namespace

// Searches `value` for the regular expression of key `id` of the running
// program, within what is left of the run's time budget, which it then
// charges: PCRE2's return code (>= 0, the match in t.data) or
// PCRE2_ERROR_NOMATCH. The key's text is read only when it is needed: a
// key built from variables (compiled now) and the errors; a constant
// key's compiled form is the program's. The rare paths are calls of their
// own, so that this one stays short: it runs some 30,000 times over the
// bench corpus.
int regex_search(vm::run_state& s, scratch& t, std::string_view value, std::uint32_t id, comparator cmp,
                 std::string& buffer) {
    const auto* constant = constant_code(s.prog(), id, cmp);
    const vm::regex_code& code = constant ? *constant : run_time_code(t, s.text(id, buffer), cmp);
    auto budget = std::chrono::duration_cast<std::chrono::steady_clock::duration>(s.limits.regex_time_budget);
    auto& spent = s.slot<regex_run>().spent;
    if (spent >= budget) out_of_time(s, s.text(id, buffer));
    auto subject = reinterpret_cast<PCRE2_SPTR>(value.data());
    // Without an attempt no callout is called and no limit reached: what
    // PCRE2 would answer. A null subject is left to pcre2_match()'s check.
    if (subject && !code.may_match(value)) return PCRE2_ERROR_NOMATCH;
    const std::array<std::uint32_t, 3> limits{s.limits.regex_match_limit, s.limits.regex_depth_limit,
                                              s.limits.regex_heap_limit_kib};
    if (t.limits != limits) set_limits(t, limits);
    t.budget = {};
    t.budget.left = budget - spent;
    t.budget.check_every = t.budget.until_check = code.jit ? jit_attempts_per_check : 1;
    // pcre2_jit_match() saves pcre2_match()'s checks, some 130 instructions
    // a match (regex_code::fast); a null subject is left to those checks.
    int rc = code.fast && subject ? pcre2_jit_match(code.code, subject, value.size(), 0, 0, t.data, t.context)
                                  : pcre2_match(code.code, subject, value.size(), 0, 0, t.data, t.context);
    if (t.budget.started) spent += std::chrono::steady_clock::now() - t.budget.start;
    if (t.budget.expired) out_of_time(s, s.text(id, buffer));
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) match_failed(s, s.text(id, buffer), rc);
    return rc;
}

// ${0} is what the whole expression matched, ${1}.. its groups
// (draft-ietf-sieve-regex-01 §3); unset groups are "".
bool any_key(vm::run_state& s, std::string_view value, std::uint64_t keys, const vm::match_spec& spec) {
    auto& t = thread_scratch();
    std::string buffer;
    for (auto k : s.list(keys)) {
        int rc = regex_search(s, t, value, k, spec.cmp, buffer);
        if (rc == PCRE2_ERROR_NOMATCH) continue;
        // Whether captures are wanted is asked of a match only: most
        // searches find none.
        if (s.captures_wanted(spec)) {
            std::vector<vm::span> captures;
            copy_captures(t, rc, captures);
            if (!captures.empty())
                s.captured(value, captures.front(), std::span<const vm::span>(captures).subspan(1));
        }
        return true;
    }
    return false;
}

constexpr vm::match_type_ops ops{
    .name = "regex", .any_key = any_key, .link = link_regexes, .substring = true};

}  // namespace

void register_regex(validate::registry& r) {
    r.add(validate::capability_def{"regex"});
    r.add(validate::tag_def{.name = "regex",
                            .group = "match-type",
                            .capability = "regex",
                            .value = std::uint8_t(match_regex),
                            .check = check_regex,
                            .match_type = &ops});
}

}  // namespace sift::ext

namespace sift::ext {

extern const descriptor regex_extension{.name = "regex", .add = register_regex};

}  // namespace sift::ext
