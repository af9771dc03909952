// The libmilter side of sift-milter: the callbacks, each behind one
// exception firewall that turns any failure into a temporary failure
// (never accept unfiltered mail), and the per-connection state, kept only
// through smfi_setpriv (Debian's libmilter runs one connection's callbacks
// on several worker threads: MILTER-NOTES.md).
#pragma once

#include "engine.hpp"

#include <string>

struct smfiDesc;

namespace sift::milter {

// One line on stderr, whole, whoever calls it from whichever thread.
void log_line(const std::string& line);

// The filter description to smfi_register, serving `e` (which must outlive
// smfi_main).
smfiDesc filter_description(const engine& e);

}  // namespace sift::milter
