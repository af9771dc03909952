// Helpers shared by the message-model tests.
#pragma once

#include <string>
#include <string_view>

namespace sift::mail::test {

// The same text with every LF turned into CRLF, so each sample can be run
// with both line endings.
inline std::string crlf(std::string_view lf_text) {
    std::string out;
    for (char c : lf_text) {
        if (c == '\n') {
            out += '\r';
        }
        out += c;
    }
    return out;
}

}  // namespace sift::mail::test
