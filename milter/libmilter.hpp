// `--protocol libmilter`: the session logic (callbacks.hpp) behind Debian's
// libmilter instead of Sift's own protocol loop, kept so that an operator
// can compare the two on the same host (docs/MILTER.md, "The protocol
// loop"). libmilter calls the xxfi_* callbacks of this description; each
// connection's filter_session lives in smfi_setpriv (libmilter runs one
// connection's callbacks on several worker threads: MILTER-NOTES.md).
#pragma once

#include "engine.hpp"

struct smfiDesc;

namespace sift::milter {

// The filter description to smfi_register, serving `e` (which must outlive
// smfi_main); `tcp`: the MTA connects over TCP (protocol_steps).
smfiDesc filter_description(const engine& e, bool tcp);

}  // namespace sift::milter
