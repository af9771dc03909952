#include "json.hpp"

#include <cstdio>

namespace sift::cli {

std::string json_escape(std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += char(c);
                }
        }
    }
    return out + "\"";
}

void json_writer::separator() {
    if (!first_) out_ += ", ";
    first_ = false;
}

json_writer& json_writer::begin_object() {
    separator();
    out_ += '{';
    first_ = true;
    return *this;
}
json_writer& json_writer::end_object() {
    out_ += '}';
    first_ = false;
    return *this;
}
json_writer& json_writer::begin_array() {
    separator();
    out_ += '[';
    first_ = true;
    return *this;
}
json_writer& json_writer::end_array() {
    out_ += ']';
    first_ = false;
    return *this;
}
json_writer& json_writer::key(std::string_view k) {
    separator();
    out_ += json_escape(k) + ": ";
    first_ = true;  // the value follows without a comma
    return *this;
}
json_writer& json_writer::value(std::string_view s) {
    separator();
    out_ += json_escape(s);
    return *this;
}
json_writer& json_writer::value(std::uint64_t n) {
    separator();
    out_ += std::to_string(n);
    return *this;
}
json_writer& json_writer::value(bool b) {
    separator();
    out_ += b ? "true" : "false";
    return *this;
}

}  // namespace sift::cli
