// RFC 6131: vacation-seconds adds ":seconds" <number> to vacation, an
// alternative to :days (same tag group). `:seconds 0` means "reply to
// every message" (§2); other values are clamped to the site's bounds
// (sift::vacation_options). Requiring "vacation-seconds" also requires
// "vacation" (RFC 6131 extends it; Pigeonhole reads it so too).
#include "ext/extension.hpp"
#include "validate/registry.hpp"

namespace sift::ext {
using namespace validate;

void register_vacation_seconds(registry& r) {
    r.add(capability_def{.name = "vacation-seconds", .implies = "vacation"});
    r.add(tag_def{.name = "seconds",
                  .group = "vacation period",
                  .parameter = arg_kind::number,
                  .capability = "vacation-seconds"});
}

}  // namespace sift::ext

namespace sift::ext {

extern const descriptor vacation_seconds_extension{.name = "vacation_seconds",
                                                   .add = register_vacation_seconds};

}  // namespace sift::ext
