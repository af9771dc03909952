// The milter protocol, version 6, as Sendmail's libmilter (mfdef.h) and
// Postfix's milter8.c speak it: packet framing, each command the MTA
// sends (SMFIC_*) parsed with bounds checks, each response and action of
// the milter (SMFIR_*) encoded. No I/O and no state here: server.cpp
// reads and writes, conversation.cpp keeps a connection's state
// (docs/MILTER.md, "The protocol loop").
//
// A packet is a 4-byte length in network order (counting the command
// byte and the data), the command byte, the data. Strings in the data are
// NUL-terminated; integers are 4 bytes (2 for a port), network order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sift::milter::proto {

constexpr std::uint32_t version = 6;  // SMFI_PROT_VERSION
// The most data a packet may carry here. The MTA's body chunks are at most
// 65535 bytes (MILTER_CHUNK_SIZE); a header field or a macro value may be
// longer (Postfix's header_size_limit is 102400 by default), so this is
// libmilter's largest (MILTER_MDS_1M); a length above it closes the
// connection before anything is allocated.
constexpr std::size_t max_data = 1024 * 1024 - 1;
constexpr std::size_t chunk_size = 65535;  // replacebody chunks, as Postfix reads them

// Commands (SMFIC_*), the MTA's.
namespace cmd {
constexpr char abort = 'A', body = 'B', connect = 'C', macro = 'D', body_end = 'E', helo = 'H', quit_nc = 'K',
               header = 'L', mail = 'M', eoh = 'N', optneg = 'O', quit = 'Q', rcpt = 'R', data = 'T',
               unknown = 'U';
}

// Responses and actions (SMFIR_*), the milter's.
namespace reply {
constexpr char add_rcpt = '+', delete_rcpt = '-', add_rcpt_par = '2', accept = 'a', replace_body = 'b',
               cont = 'c', discard = 'd', change_from = 'e', add_header = 'h', insert_header = 'i',
               change_header = 'm', progress = 'p', quarantine = 'q', reject = 'r', skip = 's',
               tempfail = 't', reply_code = 'y', optneg = 'O';
}

// Actions the milter may take at end-of-message (SMFIF_*), negotiated.
namespace action {
constexpr std::uint32_t add_headers = 0x01, change_body = 0x02, add_rcpt = 0x04, delete_rcpt = 0x08,
                        change_headers = 0x10, quarantine = 0x20, change_from = 0x40, add_rcpt_par = 0x80,
                        set_symlist = 0x100;
}

// Protocol steps (SMFIP_*): steps the MTA leaves out (no_*), steps it does
// not wait an answer for (nr_*), and what it understands (skip).
namespace step {
constexpr std::uint32_t no_connect = 0x01, no_helo = 0x02, no_mail = 0x04, no_rcpt = 0x08, no_body = 0x10,
                        no_headers = 0x20, no_eoh = 0x40, nr_header = 0x80, no_unknown = 0x100,
                        no_data = 0x200, skip = 0x400, rcpt_rejected = 0x800, nr_connect = 0x1000,
                        nr_helo = 0x2000, nr_mail = 0x4000, nr_rcpt = 0x8000, nr_data = 0x10000,
                        nr_unknown = 0x20000, nr_eoh = 0x40000, nr_body = 0x80000,
                        header_leading_space = 0x100000;
}

// A packet that breaks the protocol: its length, its command, or its data
// (a string without its NUL, a macro name without its value...). The
// connection it came on is closed (the MTA applies its default action).
struct protocol_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct packet {
    char command = 0;
    std::string_view data;  // into the buffer given to read_packet
};

// The first packet in `buf`: returns the bytes it takes (header and data)
// and sets `p`, or 0 when `buf` does not hold a whole packet yet. Throws
// protocol_error for a length of 0 or above `limit`.
std::size_t read_packet(std::string_view buf, packet& p, std::size_t limit = max_data);

// SMFIC_OPTNEG: the MTA's version, the actions and the steps it offers.
struct options {
    std::uint32_t version = 0, actions = 0, steps = 0;
};
options parse_options(std::string_view data);

// SMFIC_CONNECT: the client's host name, the family ('4', '6', 'L' for a
// unix socket, 'U' unknown: then neither port nor address), the port, the
// address as text.
struct connect_info {
    std::string_view host;
    char family = 'U';
    std::uint16_t port = 0;
    std::string_view address;
};
connect_info parse_connect(std::string_view data);

// SMFIC_MACRO: the command the macros are for, then name/value pairs. An
// odd number of strings (a name without its value) is a protocol_error.
struct macros {
    char command = 0;
    std::vector<std::pair<std::string_view, std::string_view>> values;
};
macros parse_macros(std::string_view data);

// NUL-terminated strings filling `data` exactly: SMFIC_MAIL and SMFIC_RCPT
// (the address, then ESMTP parameters; at least one), SMFIC_HELO and
// SMFIC_UNKNOWN (exactly one), SMFIC_HEADER (exactly two: name, value).
// `min`/`max`: how many there must be; outside, or a string without its
// NUL, is a protocol_error.
std::vector<std::string_view> parse_strings(std::string_view data, std::size_t min, std::size_t max);

// Encoders: each appends one whole packet to `out`.
void put_packet(std::string& out, char command, std::string_view data = {});
void put_options(std::string& out, const options& o);
// SMFIR_REPLYCODE: the whole SMTP reply, "550 5.7.1 text" or several
// lines "550-5.7.1 a\r\n550 5.7.1 b".
void put_reply_code(std::string& out, std::string_view reply);
void put_add_header(std::string& out, std::string_view name, std::string_view value);
void put_insert_header(std::string& out, std::uint32_t index, std::string_view name, std::string_view value);
// An empty value deletes the index-th (from 1) field of that name.
void put_change_header(std::string& out, std::uint32_t index, std::string_view name, std::string_view value);
void put_add_rcpt(std::string& out, std::string_view rcpt);
void put_add_rcpt_par(std::string& out, std::string_view rcpt, std::string_view params);
void put_delete_rcpt(std::string& out, std::string_view rcpt);
void put_change_from(std::string& out, std::string_view from, std::string_view params);
// The new body in SMFIR_REPLBODY packets of at most chunk_size bytes (one
// empty packet for an empty body).
void put_replace_body(std::string& out, std::string_view body);
void put_quarantine(std::string& out, std::string_view reason);

// What a string put into a packet may not hold: a NUL (it would end the
// string early and shift the rest). Throws std::invalid_argument.
void check_text(std::string_view s, const char* what);

}  // namespace sift::milter::proto
