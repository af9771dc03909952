// A small JSON writer for `sift run --json`: enough for objects, arrays,
// strings, numbers and booleans, with correct string escaping.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sift::cli {

class json_writer {
public:
    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();
    json_writer& key(std::string_view k);
    json_writer& value(std::string_view s);
    json_writer& value(const char* s) { return value(std::string_view(s)); }
    json_writer& value(std::uint64_t n);
    json_writer& value(bool b);

    const std::string& str() const { return out_; }

private:
    void separator();
    std::string out_;
    bool first_ = true;  // no comma needed before the next element
};

std::string json_escape(std::string_view s);

}  // namespace sift::cli
