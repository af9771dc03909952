// RFC 5235 scores, shared by spamtest/spamtestplus (ext/spamtest) and
// virustest (ext/virustest): reading the configured status header
// (sift::score_source) and scaling it as §3 says.
#pragma once

#include "validate/registry.hpp"

#include <sift/options.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sift::mail {
class message;
}
namespace sift::vm {
class run_state;
}

namespace sift::ext {

enum class score_test { spam, spam_percent, virus };

// The ratio score/max in [0, 1] the source gives for `msg`, or nullopt when
// the message was not tested (header missing, unparsable, no
// configuration).
std::optional<double> score_ratio(const score_source& source, const mail::message& msg, bool virus);

// The test value (§3.1-3.3): "0" when not tested, else "1".."10" (spam),
// "0".."100" (percent) or "1".."5" (virus), truncated as Pigeonhole does.
std::string score_value(std::optional<double> ratio, score_test kind);

// The value the running script sees: the host's own score (host::score)
// first, then the headers run_options configures, else (spamtest, with
// score_options::spam_threshold set) Sift's own spam score.
std::string score_value(vm::run_state& s, score_test kind);

// spamtest / virustest [:percent] [COMPARATOR] [MATCH-TYPE] <value: string>:
// the comparator defaults to i;ascii-numeric (§3.1).
vm::comparator score_comparator(const validate::binding& b);

}  // namespace sift::ext
