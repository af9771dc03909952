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

// The protocol steps (SMFIP_*) to ask of an MTA that offers `offered`:
// no DATA or unknown-command step (no callback), no body when no script
// can read it (engine::body_needed), no reply for the steps that can
// refuse nothing, SKIP where the MTA has it (docs/MILTER.md, "What the
// milter asks of the MTA"). Over TCP (`tcp`) nothing goes unanswered, not
// even DATA's macros: the MTA's next small write would wait for their ACK,
// which the milter's kernel delays (Nagle against delayed ACK, about 40 ms).
unsigned long protocol_steps(const engine& e, unsigned long offered, bool tcp);
// The same over the transport filter_description was told of.
unsigned long protocol_steps(const engine& e, unsigned long offered);

// The filter description to smfi_register, serving `e` (which must outlive
// smfi_main); `tcp`: the MTA connects over TCP (protocol_steps).
smfiDesc filter_description(const engine& e, bool tcp = false);

}  // namespace sift::milter
