#include "protocol.hpp"

#include <algorithm>

namespace sift::milter::proto {

namespace {

std::uint32_t get32(std::string_view d, std::size_t at) {
    auto b = [&](std::size_t i) { return std::uint32_t(static_cast<unsigned char>(d[at + i])); };
    return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

void add32(std::string& out, std::uint32_t v) {
    out += char(v >> 24 & 0xff);
    out += char(v >> 16 & 0xff);
    out += char(v >> 8 & 0xff);
    out += char(v & 0xff);
}

void add_string(std::string& out, std::string_view s) {
    out.append(s);
    out += '\0';
}

// The NUL-terminated string at `at` in `d`; `at` moves past its NUL.
std::string_view take_string(std::string_view d, std::size_t& at, const char* what) {
    auto end = d.find('\0', at);
    if (end == std::string_view::npos)
        throw protocol_error(std::string(what) + ": a string without its terminating NUL");
    auto s = d.substr(at, end - at);
    at = end + 1;
    return s;
}

// The packet's data, with room for its header, put after `out`.
void begin(std::string& out, char command, std::size_t size) {
    if (size >= 0x7fffffff) throw std::invalid_argument("milter packet too large");
    out.reserve(out.size() + 5 + size);
    add32(out, std::uint32_t(size + 1));
    out += command;
}

}  // namespace

void check_text(std::string_view s, const char* what) {
    if (s.find('\0') != std::string_view::npos)
        throw std::invalid_argument(std::string(what) + " holds a NUL byte");
}

std::size_t read_packet(std::string_view buf, packet& p, std::size_t limit) {
    if (buf.size() < 4) return 0;
    std::uint32_t len = get32(buf, 0);
    if (len == 0) throw protocol_error("a packet of length 0 (no command)");
    if (len - 1 > limit)
        throw protocol_error("a packet of " + std::to_string(len) + " bytes (at most " +
                             std::to_string(limit + 1) + ")");
    if (buf.size() - 4 < len) return 0;
    p.command = buf[4];
    p.data = buf.substr(5, len - 1);
    return 4 + std::size_t(len);
}

options parse_options(std::string_view d) {
    // Three integers; a later MTA may send more after them (ignored, as
    // libmilter does).
    if (d.size() < 12)
        throw protocol_error("SMFIC_OPTNEG with " + std::to_string(d.size()) + " bytes (12 needed)");
    return {get32(d, 0), get32(d, 4), get32(d, 8)};
}

connect_info parse_connect(std::string_view d) {
    connect_info c;
    std::size_t at = 0;
    c.host = take_string(d, at, "SMFIC_CONNECT host name");
    if (at >= d.size()) throw protocol_error("SMFIC_CONNECT without the address family");
    c.family = d[at++];
    if (c.family == 'U') {
        if (at != d.size()) throw protocol_error("SMFIC_CONNECT: data after an unknown family");
        return c;
    }
    if (c.family != '4' && c.family != '6' && c.family != 'L')
        throw protocol_error(std::string("SMFIC_CONNECT: unknown address family '") + c.family + "'");
    if (d.size() - at < 2) throw protocol_error("SMFIC_CONNECT without the port");
    c.port = std::uint16_t(static_cast<unsigned char>(d[at]) << 8 | static_cast<unsigned char>(d[at + 1]));
    at += 2;
    c.address = take_string(d, at, "SMFIC_CONNECT address");
    if (at != d.size()) throw protocol_error("SMFIC_CONNECT: data after the address");
    return c;
}

std::vector<std::string_view> parse_strings(std::string_view d, std::size_t min, std::size_t max) {
    std::vector<std::string_view> out;
    // One allocation, not one per doubling (a header field's packet is
    // two strings, a connect's macro packet ten).
    out.reserve(std::min(max, std::size_t(std::count(d.begin(), d.end(), '\0'))));
    std::size_t at = 0;
    while (at < d.size()) {
        if (out.size() == max)
            throw protocol_error("more than " + std::to_string(max) + " string(s) in a packet");
        out.push_back(take_string(d, at, "packet"));
    }
    if (out.size() < min)
        throw protocol_error(std::to_string(out.size()) + " string(s) in a packet that needs " +
                             std::to_string(min));
    return out;
}

macros parse_macros(std::string_view d) {
    if (d.empty()) throw protocol_error("SMFIC_MACRO without the command it is for");
    macros m;
    m.command = d[0];
    // The pairs straight from the packet (no vector of the strings first).
    auto rest = d.substr(1);
    m.values.reserve(std::size_t(std::count(rest.begin(), rest.end(), '\0')) / 2);
    std::size_t at = 0;
    while (at < rest.size()) {
        auto name = take_string(rest, at, "packet");
        if (at == rest.size())
            throw protocol_error("SMFIC_MACRO with " + std::to_string(m.values.size() * 2 + 1) +
                                 " strings: a name without its value");
        m.values.emplace_back(name, take_string(rest, at, "packet"));
    }
    return m;
}

void put_packet(std::string& out, char command, std::string_view data) {
    begin(out, command, data.size());
    out.append(data);
}

void put_options(std::string& out, const options& o) {
    begin(out, reply::optneg, 12);
    add32(out, o.version);
    add32(out, o.actions);
    add32(out, o.steps);
}

void put_reply_code(std::string& out, std::string_view r) {
    check_text(r, "reply");
    begin(out, reply::reply_code, r.size() + 1);
    add_string(out, r);
}

void put_add_header(std::string& out, std::string_view name, std::string_view value) {
    check_text(name, "header name");
    check_text(value, "header value");
    begin(out, reply::add_header, name.size() + value.size() + 2);
    add_string(out, name);
    add_string(out, value);
}

void put_insert_header(std::string& out, std::uint32_t index, std::string_view name, std::string_view value) {
    check_text(name, "header name");
    check_text(value, "header value");
    begin(out, reply::insert_header, 4 + name.size() + value.size() + 2);
    add32(out, index);
    add_string(out, name);
    add_string(out, value);
}

void put_change_header(std::string& out, std::uint32_t index, std::string_view name, std::string_view value) {
    check_text(name, "header name");
    check_text(value, "header value");
    begin(out, reply::change_header, 4 + name.size() + value.size() + 2);
    add32(out, index);
    add_string(out, name);
    add_string(out, value);
}

void put_add_rcpt(std::string& out, std::string_view rcpt) {
    check_text(rcpt, "recipient");
    begin(out, reply::add_rcpt, rcpt.size() + 1);
    add_string(out, rcpt);
}

void put_add_rcpt_par(std::string& out, std::string_view rcpt, std::string_view params) {
    check_text(rcpt, "recipient");
    check_text(params, "ESMTP parameters");
    begin(out, reply::add_rcpt_par, rcpt.size() + params.size() + 2);
    add_string(out, rcpt);
    add_string(out, params);
}

void put_delete_rcpt(std::string& out, std::string_view rcpt) {
    check_text(rcpt, "recipient");
    begin(out, reply::delete_rcpt, rcpt.size() + 1);
    add_string(out, rcpt);
}

void put_change_from(std::string& out, std::string_view from, std::string_view params) {
    check_text(from, "sender");
    check_text(params, "ESMTP parameters");
    // As smfi_chgfrom: the parameters only when there are any.
    begin(out, reply::change_from, from.size() + 1 + (params.empty() ? 0 : params.size() + 1));
    add_string(out, from);
    if (!params.empty()) add_string(out, params);
}

void put_replace_body(std::string& out, std::string_view body) {
    if (body.empty()) return put_packet(out, reply::replace_body);
    for (std::size_t at = 0; at < body.size(); at += chunk_size)
        put_packet(out, reply::replace_body, body.substr(at, std::min(chunk_size, body.size() - at)));
}

void put_quarantine(std::string& out, std::string_view reason) {
    check_text(reason, "quarantine reason");
    begin(out, reply::quarantine, reason.size() + 1);
    add_string(out, reason);
}

}  // namespace sift::milter::proto
