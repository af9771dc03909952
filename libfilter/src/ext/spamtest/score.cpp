// RFC 5235 §3: the value of spamtest (1-10, 0 for "not tested"),
// spamtestplus :percent (0-100) and virustest (1-5, 0 for "not tested").
//
// The source is configured as Pigeonhole's sieve_spamtest_* settings
// (sift::score_source): a status header, optionally with a regular
// expression whose first group is the status; the status is a decimal
// score, the length of a run of one repeated character (strlen, as
// "X-Spam-Level: *****"), or one of up to 11 texts; the maximum is a
// constant or read from a header the same way. The ratio status/max is
// clipped to [0, 1] and scaled: spam 1 + 9r, virus 1 + 4r, percent 100r,
// each truncated (with Pigeonhole's 0.001 slack), so a ratio of exactly 1
// gives 10 / 5 / 100 and only a score of 0 gives percent 0.
//
// With no status header configured and score_options::spam_threshold
// set, spamtest reads Sift's own spam score (vnd.sift.score, the "spam"
// category's total) the same way, the threshold as the maximum.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "ext/spamtest/score.hpp"

#include "ext/comparator_ascii_numeric/ascii_numeric.hpp"
#include "ext/score/score.hpp"

#include "mail/message.hpp"
#include "vm/run_state.hpp"

#include <pcre2.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>

namespace sift::ext {
namespace {

struct header_spec {
    std::string name;
    std::string pattern;  // empty: the whole value
    bool ok = true;
};

// "Name" or "Name: regex" (leading blanks of either part ignored).
header_spec parse_spec(std::string_view text) {
    header_spec spec;
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] != ':' && text[i] != ' ' && text[i] != '\t') ++i;
    spec.name = std::string(text.substr(start, i - start));
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i == text.size()) return spec;
    if (text[i] != ':') {
        spec.ok = false;
        return spec;
    }
    ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    spec.pattern = std::string(text.substr(i));
    return spec;
}

struct code_deleter {
    void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};

// Group 1 of `pattern` in `value`. Patterns come from the configuration:
// compiled once per thread and pattern.
std::optional<std::string> capture(const std::string& pattern, std::string_view value) {
    thread_local std::map<std::string, std::unique_ptr<pcre2_code, code_deleter>> cache;
    auto it = cache.find(pattern);
    if (it == cache.end()) {
        int error = 0;
        PCRE2_SIZE offset = 0;
        auto* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &error,
                                   &offset, nullptr);
        if (cache.size() > 64) cache.clear();
        it = cache.emplace(pattern, std::unique_ptr<pcre2_code, code_deleter>(code)).first;
    }
    if (!it->second) return std::nullopt;
    std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data*)> data(
        pcre2_match_data_create_from_pattern(it->second.get(), nullptr), pcre2_match_data_free);
    int rc = pcre2_match(it->second.get(), reinterpret_cast<PCRE2_SPTR>(value.data()), value.size(), 0, 0,
                         data.get(), nullptr);
    if (rc < 2) return std::nullopt;
    auto* ov = pcre2_get_ovector_pointer(data.get());
    if (ov[2] == PCRE2_UNSET) return std::nullopt;
    return std::string(value.substr(ov[2], ov[3] - ov[2]));
}

// The status text named by a "Name[: regex]" specification.
std::optional<std::string> read_status(std::string_view spec_text, const mail::message& msg) {
    auto spec = parse_spec(spec_text);
    if (!spec.ok || spec.name.empty()) return std::nullopt;
    const auto* field = msg.first(spec.name);
    if (!field) return std::nullopt;
    auto value = mail::message::decode(field->value);
    if (spec.pattern.empty()) return value;
    return capture(spec.pattern, value);
}

// Pigeonhole's decimal: [+-]digits[(.|,)digits], at most 5 digits each side.
std::optional<double> parse_decimal(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::size_t i = 0;
    double sign = 1;
    if (s[0] == '+' || s[0] == '-') {
        sign = s[0] == '-' ? -1 : 1;
        ++i;
    }
    double value = 0;
    int digits = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
        if (++digits > 5) return std::nullopt;
        value = value * 10 + (s[i] - '0');
    }
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        double radix = 0.1;
        digits = 0;
        for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, radix /= 10) {
            if (++digits > 5) return std::nullopt;
            value += (s[i] - '0') * radix;
        }
    }
    if (i != s.size()) return std::nullopt;
    return value * sign;
}

// "*****" → 5; "" → 0; mixed characters are not a strlen status.
std::optional<double> parse_strlen(std::string_view s) {
    for (char c : s)
        if (c != s.front()) return std::nullopt;
    return double(s.size());
}

}  // namespace

std::optional<double> score_ratio(const score_source& source, const mail::message& msg, bool virus) {
    if (source.status_header.empty()) return std::nullopt;
    double max = 0;
    std::size_t max_text = virus ? 5 : 10;
    if (source.type == score_source::kind::text) {
        max = double(max_text);
    } else if (!source.max_header.empty()) {
        auto text = read_status(source.max_header, msg);
        auto parsed = text ? parse_decimal(*text) : std::nullopt;
        if (!parsed) return std::nullopt;
        max = *parsed;
    } else {
        max = source.max_value;
    }
    if (max == 0) return std::nullopt;

    auto status = read_status(source.status_header, msg);
    if (!status) return std::nullopt;
    std::optional<double> value;
    switch (source.type) {
        case score_source::kind::score:
            value = parse_decimal(*status);
            break;
        case score_source::kind::strlen:
            value = parse_strlen(*status);
            break;
        case score_source::kind::text:
            for (std::size_t i = 0; i <= max_text && !value; ++i)
                if (!source.text_values[i].empty() && source.text_values[i] == *status) value = double(i);
            break;
    }
    if (!value) return std::nullopt;
    if (*value < 0) return 0.0;
    if (*value > max) return 1.0;
    return *value / max;
}

std::string score_value(std::optional<double> ratio, score_test kind) {
    if (!ratio || *ratio < 0) return "0";
    double r = *ratio > 1 ? 1 : *ratio;
    // float arithmetic and the 0.001 slack as Pigeonhole, so boundary
    // values (a score equal to a step) land on the same number.
    float rf = float(r);
    int score = 0;
    switch (kind) {
        case score_test::spam_percent:
            score = int(rf * 100 + 0.001f);
            break;
        case score_test::virus:
            score = int(rf * 4 + 1.001f);
            break;
        case score_test::spam:
            score = int(rf * 9 + 1.001f);
            break;
    }
    return std::to_string(score);
}

std::string score_value(vm::run_state& s, score_test kind) {
    bool virus = kind == score_test::virus;
    auto own = vm::ask_host(virus ? "virustest: the host's score" : "spamtest: the host's score", [&] {
        return s.host.score(virus ? sift::score_test::virus : sift::score_test::spam);
    });
    if (own) return score_value(*own < 0 ? std::nullopt : own, kind);
    const auto& source = virus ? s.options.virustest : s.options.spamtest;
    double threshold = s.options.score.spam_threshold;
    if (!virus && source.status_header.empty() && threshold > 0) {
        // Sift's own spam score (vnd.sift.score), against the threshold.
        double total = double(score_total(s, "spam")) / 1000;
        return score_value(std::clamp(total / threshold, 0.0, 1.0), kind);
    }
    return score_value(score_ratio(source, s.current(), virus), kind);
}

vm::comparator score_comparator(const validate::binding& b) {
    return b.has_tag("comparator") ? b.match.cmp : ext::comparator_ascii_numeric;
}

}  // namespace sift::ext
