// vnd.sift.score, Sift's own extension (docs/EXTENSIONS.md "vnd.sift.score"):
// named, weighted rules adding to score categories, and a test on a
// category's total.
//
//   score [":category" <category: string>] ":rule" <name: string> <weight: string>
//   score [":category" <category: string>] [COMPARATOR] [MATCH-TYPE] <keys: string-list>
//   score [":category" <category: string>] ":rules" [COMPARATOR] [MATCH-TYPE] <keys: string-list>
//
// The command adds a hit of rule `name` worth `weight` (a decimal, "2.5",
// "-1", at most three decimals: kept as exact thousandths) to the category
// (default "spam"); a rule counts once per category, so a second hit of
// the same name in the same category adds nothing. The test compares the
// category's total. Its comparator defaults to i;ascii-numeric, which here
// compares decimals: the keys are decimals and :is / :value (RFC 5231)
// compare them with the total numerically ("2.5" :value "gt" "2" holds,
// "-1" :value "lt" "0" too), where RFC 4790's i;ascii-numeric would read
// only leading digits. :count counts the rules that hit the category.
// Another comparator (i;octet, i;ascii-casemap) matches the total's text
// as format_score writes it ("2.5", "-1", "0").
//
// With :rules the test matches, instead of the total, the names of the
// rules that hit the category, sorted in i;octet order and joined by ","
// ("GTUBE,MISSING_DATE"; "" without hits), as SpamAssassin writes tests=
// in X-Spam-Status. Its comparator defaults to i;ascii-casemap, as for any
// other test (RFC 5228 §2.7.3), and :matches "*" gives the list in ${1}
// (RFC 5229); :count still counts the rules.
//
// Every hit goes into the result (result::hits, result::scores) with its
// script and line. In a sequence (sift/sequence.hpp: before -> user ->
// after, one run_state) the slot lives across the scripts, so the hits
// add up, a rule counts once in the whole sequence, and a failing script
// loses only its own hits (each hit remembers its script's index).
#include "ext/score/score.hpp"

#include "compile/emitter.hpp"
#include "ext/comparator_ascii_numeric/ascii_numeric.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "ext/relational/relational.hpp"
#include "vm/exec.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

std::string format_score(std::int64_t thousandths) {
    std::string out = thousandths < 0 ? "-" : "";
    std::uint64_t magnitude = thousandths < 0 ? 0 - std::uint64_t(thousandths) : std::uint64_t(thousandths);
    out += std::to_string(magnitude / 1000);
    if (unsigned fraction = unsigned(magnitude % 1000)) {
        char digits[4];
        std::snprintf(digits, sizeof digits, "%03u", fraction);
        std::string_view text(digits, 3);
        while (text.back() == '0') text.remove_suffix(1);
        out += '.';
        out += text;
    }
    return out;
}

}  // namespace sift

namespace sift::ext {
using namespace validate;

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool name_char(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' ||
           c == '.';
}

// Quoted for a message, cut to a readable length.
std::string shown(std::string_view text) {
    return "'" + std::string(text.substr(0, 80)) + (text.size() > 80 ? "...'" : "'");
}

const char* const weight_form =
    "a decimal such as \"2.5\" or \"-1\" with at most three decimals, within ±1000000";
const char* const name_form = "1 to 64 letters, digits, '_', '-' or '.'";

// :rules matches names: the usual default comparator (i;ascii-casemap).
vm::comparator test_comparator(const binding& b) {
    return b.has_tag("comparator") || b.has_tag("rules") ? b.match.cmp : comparator_ascii_numeric;
}

bool numeric_match(vm::match_type t) {
    return t == vm::match_type::is || t == match_value;
}

void check_category(checker& c, const binding& b) {
    if (const auto* cat = core::tag_string(b, "category");
        cat && !c.is_template(cat->value) && !valid_category(cat->value))
        c.error(cat->pos, "invalid score category " + shown(cat->value) + " (" + name_form + ")");
}

void check_score_command(checker& c, const binding& b) {
    check_category(c, b);
    const auto* rule = core::tag_string(b, "rule");
    if (!rule) {
        c.error(b.pos, "command 'score' needs :rule \"NAME\", the rule its weight is for");
        return;
    }
    if (!c.is_template(rule->value) && !valid_rule_name(rule->value))
        c.error(rule->pos, "invalid score rule name " + shown(rule->value) + " (" + name_form + ")");
    const auto& weight = b.list_arg(0).items.front();
    if (!c.is_template(weight.value) && !parse_thousandths(weight.value))
        c.error(weight.pos, "invalid score weight " + shown(weight.value) + ": expected " + weight_form);
}

void check_score_test(checker& c, const binding& b) {
    check_category(c, b);
    if (b.has_tag("rules")) return;  // names, matched as any test's values
    if (test_comparator(b) != comparator_ascii_numeric || b.match.type == match_count) return;
    if (!numeric_match(b.match.type)) {
        c.error(b.pos,
                "test 'score' compares its total as a number with :is or :value; to match the "
                "total's text, give a comparator (:comparator \"i;octet\")");
        return;
    }
    for (const auto& key : b.list_arg(0).items)
        if (!c.is_template(key.value) && !parse_thousandths(key.value))
            c.error(key.pos, "invalid score key " + shown(key.value) + ": expected " + weight_form);
}

std::string_view category_of(const binding& b) {
    const auto* cat = core::tag_string(b, "category");
    return cat ? cat->value : default_score_category;
}

void emit_score_command(compile::emitter& e, const binding& b) {
    e.emit(vm::opcode::add_score_hit, {e.string(category_of(b)), e.string(core::tag_string(b, "rule")->value),
                                       e.string(b.list_arg(0).items.front().value)});
}

void emit_score_test(compile::emitter& e, const binding& b) {
    e.emit(b.has_tag("rules") ? vm::opcode::test_score_rules : vm::opcode::test_score,
           {e.string(category_of(b)), std::uint64_t(test_comparator(b)), vm::pack(b.match),
            e.list(b.list_arg(0))});
}

// The hits of the run (of every script of a sequence), in order, and the
// index of the script that made each.
struct score_state : vm::run_slot {
    std::vector<score_hit> hits;
    std::vector<std::uint32_t> scripts;

    void finish(vm::run_state& s, result& r, const vm::runtime_error* failure) override {
        // The failing script's hits are cancelled with its actions (RFC
        // 5228 §2.10.6); in a sequence those of the scripts before it stay.
        if (failure)
            while (!scripts.empty() && scripts.back() == s.script()) scripts.pop_back(), hits.pop_back();
        r.scores.clear();
        for (const auto& h : hits) {
            auto it = std::find_if(r.scores.begin(), r.scores.end(),
                                   [&](const category_score& c) { return c.category == h.category; });
            if (it == r.scores.end()) it = r.scores.insert(r.scores.end(), {h.category, 0});
            it->total += h.weight;
        }
        r.hits = std::move(hits);
    }
};

score_state& state(vm::run_state& s) {
    return s.slot<score_state>();
}

// The category operand of either instruction, lower-cased, in `buffer`
// or in the program. A literal category was checked when the script
// compiled (check_category); only a template's expansion is checked here.
std::string_view category_operand(const vm::run_state& s, std::uint64_t id, std::string& buffer) {
    auto text = s.text(id, buffer);
    if (s.prog().is_template[id] && !valid_category(text))
        throw vm::runtime_error{"score: invalid category " + shown(text) + " (" + name_form + ")"};
    if (std::none_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) return text;
    buffer = lower_category(text);
    return buffer;
}

// :is and :value under i;ascii-numeric: the total against decimal keys.
bool numeric_holds(vm::run_state& s, std::int64_t total, std::uint64_t keys, const vm::match_spec& spec) {
    auto rel = spec.type == vm::match_type::is ? vm::relation::eq : spec.rel;
    std::string buffer;
    for (auto k : s.list(keys)) {
        auto text = s.text(k, buffer);
        auto key = parse_thousandths(text);
        if (!key) throw vm::runtime_error{"score: invalid key " + shown(text) + ": expected " + weight_form};
        if (vm::holds(total < *key ? -1 : total > *key ? 1 : 0, rel)) return true;
    }
    return false;
}

}  // namespace

std::optional<std::int64_t> parse_thousandths(std::string_view text) {
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    std::int64_t whole = 0;
    std::size_t digits = 0;
    for (; i < text.size() && is_digit(text[i]); ++i, ++digits) {
        whole = whole * 10 + (text[i] - '0');
        if (whole > max_weight / 1000) return std::nullopt;
    }
    if (digits == 0) return std::nullopt;
    std::int64_t fraction = 0;
    if (i < text.size() && text[i] == '.') {
        std::size_t decimals = 0;
        for (++i; i < text.size() && is_digit(text[i]); ++i, ++decimals) {
            if (decimals == 3) return std::nullopt;
            fraction = fraction * 10 + (text[i] - '0');
        }
        if (decimals == 0) return std::nullopt;
        for (; decimals < 3; ++decimals) fraction *= 10;
    }
    if (i != text.size()) return std::nullopt;
    std::int64_t value = whole * 1000 + fraction;
    if (value > max_weight) return std::nullopt;
    return negative ? -value : value;
}

bool valid_rule_name(std::string_view name) {
    return !name.empty() && name.size() <= max_score_name && std::all_of(name.begin(), name.end(), name_char);
}

bool valid_category(std::string_view name) {
    return valid_rule_name(name);
}

std::string lower_category(std::string_view name) {
    std::string out(name);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

std::int64_t score_total(vm::run_state& s, std::string_view category) {
    std::int64_t total = 0;
    for (const auto& h : state(s).hits)
        if (h.category == category) total += h.weight;
    return total;
}

void register_score(registry& r) {
    r.add(capability_def{"vnd.sift.score"});
    r.add(tag_def{.name = "category", .parameter = arg_kind::string, .capability = "vnd.sift.score"});
    r.add(tag_def{.name = "rule", .parameter = arg_kind::string, .capability = "vnd.sift.score"});
    r.add(tag_def{.name = "rules", .capability = "vnd.sift.score"});
    r.add(command_def{.name = "score",
                      .capability = "vnd.sift.score",
                      .positional = {arg_kind::string},
                      .tags = {"category", "rule"},
                      .check = check_score_command,
                      .emit = emit_score_command});
    r.add(command_def{.name = "score",
                      .is_test = true,
                      .capability = "vnd.sift.score",
                      .positional = {arg_kind::string_list},
                      .tags = {"category", "rules", "comparator", "match-type"},
                      .check = check_score_test,
                      .emit = emit_score_test});
}

}  // namespace sift::ext

namespace sift::vm {

void exec_add_score_hit(run_state& s, const instruction& ins) {
    using namespace ext;
    std::string category_buffer, rule_buffer, weight_buffer;
    auto category = category_operand(s, ins.arg[0], category_buffer);
    auto rule = s.text(ins.arg[1], rule_buffer);
    // A literal name was checked when the script compiled (check_score_command).
    if (s.prog().is_template[ins.arg[1]] && !valid_rule_name(rule))
        throw runtime_error{"score: invalid rule name " + shown(rule) + " (" + name_form + ")"};
    auto weight_text = s.text(ins.arg[2], weight_buffer);
    auto weight = parse_thousandths(weight_text);
    if (!weight)
        throw runtime_error{"score: invalid weight " + shown(weight_text) + " for rule " + std::string(rule) +
                            ": expected " + weight_form};
    auto& st = state(s);
    for (const auto& h : st.hits)
        if (h.rule == rule && h.category == category) return;  // a rule counts once per category
    if (st.hits.size() >= s.options.score.max_hits)
        throw runtime_error{"score: more than " + std::to_string(s.options.score.max_hits) +
                            " hits (run_options::score.max_hits)"};
    st.hits.push_back({std::string(rule), std::string(category), *weight, s.prog().name, s.line()});
    st.scripts.push_back(s.script());
}

void exec_test_score(run_state& s, const instruction& ins) {
    using namespace ext;
    std::string category_buffer;
    auto category = category_operand(s, ins.arg[0], category_buffer);
    auto spec = s.match_spec_of(ins.arg[2], ins.arg[1]);
    auto keys = ins.arg[3];
    const auto& hits = state(s).hits;
    if (spec.type == match_count) {  // the rules that hit the category
        auto rules = std::count_if(hits.begin(), hits.end(),
                                   [&](const score_hit& h) { return h.category == category; });
        s.flag = count_holds(s, std::uint64_t(rules), keys, spec);
        return;
    }
    auto total = score_total(s, category);
    if (spec.cmp == comparator_ascii_numeric && (spec.type == match_type::is || spec.type == match_value))
        s.flag = numeric_holds(s, total, keys, spec);
    else
        s.flag = s.any_key(format_score(total), keys, spec);
}

void exec_test_score_rules(run_state& s, const instruction& ins) {
    using namespace ext;
    std::string category_buffer;
    auto category = category_operand(s, ins.arg[0], category_buffer);
    auto spec = s.match_spec_of(ins.arg[2], ins.arg[1]);
    std::vector<std::string_view> names;
    for (const auto& h : state(s).hits)
        if (h.category == category) names.push_back(h.rule);  // each once: a rule counts once
    if (spec.type == match_count) {
        s.flag = count_holds(s, names.size(), ins.arg[3], spec);
        return;
    }
    std::sort(names.begin(), names.end());
    std::string joined;
    for (auto name : names) {
        if (!joined.empty()) joined += ',';
        joined += name;
    }
    s.flag = s.any_key(joined, ins.arg[3], spec);
}

}  // namespace sift::vm

namespace sift::ext {

extern const descriptor score_extension{.name = "score", .add = register_score};

}  // namespace sift::ext
