// What a result will do, as text: `sift run` prints one line per action
// and edit, `sift filter` one line per message. Everything the frontend
// would act on is said (flags, :copy, reasons, a vacation reply that is
// not sent and why), so the text never tells less than the JSON.
#pragma once

#include <sift/result.hpp>

#include <string>

namespace sift::cli {

// One action: `fileinto "Spam" :flags "\\Seen" :copy`, `redirect <a@b>`,
// `reject "text"`, `vacation to <a@b> "subject"`, `vacation not sent (why)`.
std::string describe(const action& a);

// One header or message edit: `addheader "X-Tag: 1"`, `deleteheader
// "Subject" (field 1)`, `replace`, `enclose`.
std::string describe(const header_edit& e);
std::string describe(const message_edit& e);

// A score hit (vnd.sift.score): `score spam +2.5 MISSING_DATE (rules.sieve
// line 4)`, and a category's total: `score spam = 3.5`.
std::string describe(const score_hit& h);
std::string describe(const category_score& s);

// The whole result on one line, for `sift filter`:
// `fileinto "Spam"; keep (implicit)`, then the edits, the score totals
// and any runtime error.
std::string describe(const result& r);

}  // namespace sift::cli
