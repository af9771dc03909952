#include "mail/encode.hpp"

#include <algorithm>
#include <cstdint>

namespace sift::mail {

std::string fold_words(const std::vector<std::string>& words, std::size_t used) {
    std::string out;
    std::size_t line = used;
    for (const auto& w : words) {
        if (!out.empty()) {
            if (line + 1 + w.size() > 78) {
                out += "\r\n";
                line = 0;
            }
            out += ' ';
            ++line;
        }
        out += w;
        line += w.size();
    }
    return out;
}

std::string encode_words(std::string_view utf8, std::size_t used) {
    static constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < utf8.size()) {
        std::size_t end = std::min(utf8.size(), i + 45);
        while (end < utf8.size() && end > i + 1 && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) --end;
        auto chunk = utf8.substr(i, end - i);
        std::string word = "=?utf-8?b?";
        for (std::size_t k = 0; k < chunk.size(); k += 3) {
            std::uint32_t n = std::uint32_t(static_cast<unsigned char>(chunk[k])) << 16;
            if (k + 1 < chunk.size()) n |= std::uint32_t(static_cast<unsigned char>(chunk[k + 1])) << 8;
            if (k + 2 < chunk.size()) n |= static_cast<unsigned char>(chunk[k + 2]);
            word += b64[(n >> 18) & 63];
            word += b64[(n >> 12) & 63];
            word += k + 1 < chunk.size() ? b64[(n >> 6) & 63] : '=';
            word += k + 2 < chunk.size() ? b64[n & 63] : '=';
        }
        words.push_back(word + "?=");
        i = end;
    }
    return fold_words(words, used);
}

std::string header_text(std::string_view text, std::size_t used) {
    bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    return ascii ? std::string(text) : encode_words(text, used);
}

}  // namespace sift::mail
