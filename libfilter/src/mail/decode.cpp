#include "mail/decode.hpp"

#include "mail/header.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SIFT_BASE64_AVX2 1
#endif

namespace sift::mail {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    char l = ascii_lower(c);
    return (l >= 'a' && l <= 'f') ? l - 'a' + 10 : -1;
}

// "XX" hex digits at s[i+1], s[i+2] (after a '=' or '%' at s[i]) as a byte.
bool hex_pair(std::string_view s, std::size_t i, char& byte) {
    if (i + 2 >= s.size()) {
        return false;
    }
    int hi = hex_value(s[i + 1]);
    int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) {
        return false;
    }
    byte = static_cast<char>(hi * 16 + lo);
    return true;
}

// -1 for characters outside the base64 alphabet.
constexpr std::array<std::int8_t, 256> base64_table = [] {
    std::array<std::int8_t, 256> t{};
    t.fill(-1);
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return t;
}();

// Length of the valid UTF-8 sequence at s[i], or 0 (RFC 3629: no overlongs,
// no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = at(i);
    if (c < 0x80) {
        return 1;
    }
    std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || c > 0xF4 || i + n > s.size()) {
        return 0;
    }
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the 2nd byte
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    if (at(i + 1) < lo || at(i + 1) > hi) {
        return 0;
    }
    for (std::size_t k = 2; k < n; ++k) {
        if ((at(i + k) & 0xC0) != 0x80) {
            return 0;
        }
    }
    return n;
}

bool is_utf8_alias(std::string_view charset) {
    static constexpr std::string_view names[] = {"", "utf-8", "utf8", "us-ascii", "ascii"};
    for (auto n : names) {
        if (iequals(charset, n)) {
            return true;
        }
    }
    return false;
}

// A name from a message is handed to iconv_open only when it looks like a
// charset name: glibc gives "//" suffixes and odd names special meanings.
bool is_plausible_charset(std::string_view charset) {
    if (charset.empty() || charset.size() > 40) {
        return false;
    }
    for (char c : charset) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '_' || c == '.' || c == ':' || c == '+';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// Labels mail programs write that glibc's iconv does not know, as the
// WHATWG Encoding Standard reads them (its "euc-kr" is the CP949 superset
// Outlook means by ks_c_5601-1987), each with glibc's name.
std::string_view iconv_name(std::string_view label) {
    struct alias {
        std::string_view label, name;
    };
    static constexpr alias aliases[] = {
        {"ks_c_5601-1987", "CP949"},
        {"ks_c_5601-1989", "CP949"},
        {"ks_c_5601", "CP949"},
        {"ksc5601", "CP949"},
        {"ksc_5601", "CP949"},
        {"csksc56011987", "CP949"},
        {"iso-ir-149", "CP949"},
        {"windows-949", "CP949"},
        {"x-sjis", "SHIFT_JIS"},
        {"x-euc-jp", "EUC-JP"},
        {"x-gbk", "GBK"},
        {"x-x-big5", "BIG5"},
        {"x-mac-roman", "MACINTOSH"},
        {"x-cp1251", "CP1251"},
        {"x-cp1250", "CP1250"},
    };
    for (const auto& a : aliases) {
        if (iequals(a.label, label)) {
            return a.name;
        }
    }
    return label;
}

// iconv_open is slow (it loads gconv modules), and a descriptor is not safe
// to share between threads, so each thread keeps a few open ones.
class iconv_cache {
public:
    ~iconv_cache() {
        for (auto& e : entries_) {
            if (e.cd != invalid()) {
                iconv_close(e.cd);
            }
        }
    }

    // invalid() when iconv does not know the charset.
    iconv_t get(std::string_view charset) {
        for (auto& e : entries_) {
            if (iequals(e.name, charset)) {
                return e.cd;
            }
        }
        std::string name(charset);
        iconv_t cd = iconv_open("UTF-8", std::string(iconv_name(charset)).c_str());
        if (entries_.size() >= max_entries) {
            if (entries_.front().cd != invalid()) {
                iconv_close(entries_.front().cd);
            }
            entries_.erase(entries_.begin());
        }
        entries_.push_back({std::move(name), cd});
        return cd;
    }

    // iconv_open's failure value is (iconv_t)-1 by its API.
    static iconv_t invalid() { return reinterpret_cast<iconv_t>(-1); }  // NOLINT(performance-no-int-to-ptr)

private:
    static constexpr std::size_t max_entries = 16;
    struct entry {
        std::string name;
        iconv_t cd;
    };
    std::vector<entry> entries_;
};

void convert(iconv_t cd, std::string_view bytes, std::string& out) {
    iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial state
    char* in = const_cast<char*>(bytes.data());     // iconv's API is not const-correct
    std::size_t in_left = bytes.size();
    std::array<char, 4096> buf;
    while (true) {
        char* o = buf.data();
        std::size_t o_left = buf.size();
        std::size_t r =
            in_left ? iconv(cd, &in, &in_left, &o, &o_left) : iconv(cd, nullptr, nullptr, &o, &o_left);
        out.append(buf.data(), o - buf.data());
        if (r != static_cast<std::size_t>(-1)) {
            if (in_left == 0 && o != buf.data()) {
                continue;  // the flush may have more shift sequences to write
            }
            if (in_left == 0) {
                return;
            }
            continue;
        }
        if (errno == E2BIG) {
            continue;
        }
        out += replacement;
        if (errno != EILSEQ || in_left == 0) {
            return;  // EINVAL: an incomplete sequence at the end
        }
        ++in;
        --in_left;
    }
}

// Where the ASCII bytes from s[i] end (s.size() when all are): 32 bytes a
// step with SSE2 (most of most text is ASCII, and body texts run to
// kilobytes), then eight. An ASCII byte is a whole UTF-8 sequence, so
// skipping them never moves where a later sequence starts.
std::size_t ascii_end(std::string_view s, std::size_t i) noexcept {
    const char* p = s.data();
    const std::size_t n = s.size();
#if defined(__SSE2__)
    auto load = [p](std::size_t at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at)); };
    for (; i + 32 <= n; i += 32) {
        __m128i a = load(i), b = load(i + 16);
        if (_mm_movemask_epi8(_mm_or_si128(a, b)) != 0) {
            auto lo = unsigned(_mm_movemask_epi8(a));
            return lo != 0 ? i + __builtin_ctz(lo) : i + 16 + __builtin_ctz(unsigned(_mm_movemask_epi8(b)));
        }
    }
#endif
    while (i + 8 <= n) {
        std::uint64_t word;
        std::memcpy(&word, p + i, 8);
        if (word & 0x8080808080808080ull) break;
        i += 8;
    }
    return i;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) noexcept {
    for (std::size_t i = 0; i < bytes.size();) {
        i = ascii_end(bytes, i);
        if (i >= bytes.size()) break;
        std::size_t n = utf8_sequence(bytes, i);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

void append_valid_utf8(std::string_view bytes, std::string& out) {
    std::size_t run = 0;  // start of the valid run not yet copied
    for (std::size_t i = 0; i < bytes.size();) {
        i = ascii_end(bytes, i);
        if (i >= bytes.size()) break;
        std::size_t n = utf8_sequence(bytes, i);
        if (n == 0) {
            out.append(bytes.substr(run, i - run));
            out += replacement;
            run = ++i;
        } else {
            i += n;
        }
    }
    out.append(bytes.substr(run));
}

void append_utf8(std::string_view bytes, std::string_view charset, std::string& out) {
    if (!is_utf8_alias(charset) && is_plausible_charset(charset)) {
        thread_local iconv_cache cache;
        iconv_t cd = cache.get(charset);
        if (cd != iconv_cache::invalid()) {
            convert(cd, bytes, out);
            return;
        }
    }
    append_valid_utf8(bytes, out);
}

std::string to_utf8(std::string_view bytes, std::string_view charset) {
    std::string out;
    out.reserve(bytes.size());
    append_utf8(bytes, charset, out);
    return out;
}

namespace {

// What the check-only forms decode into.
struct discard {
    discard& operator+=(char) { return *this; }
    void append(std::string_view) {}
};

// Where a base64 decoding starts: at the beginning, or after a prefix of
// whole lines of symbols a check need not decode (base64_plain_prefix).
struct base64_start {
    std::size_t at = 0;   // first byte to read
    int n = 0;            // symbols of the current quantum read before it
    std::size_t end = 0;  // just after the last symbol before it
};

// Where base64_decode writes its octets: into a string sized once for the
// most the input can give (each symbol carries six bits), through a
// pointer, then cut to what was written; or nowhere, for a check.
class string_sink {
public:
    string_sink(std::string& out, std::size_t input) : out_(out), old_(out.size()) {
        out_.resize(old_ + input / 4 * 3 + 3);
        w_ = out_.data() + old_;
    }
    ~string_sink() { out_.resize(std::size_t(w_ - out_.data())); }
    string_sink(const string_sink&) = delete;
    string_sink& operator=(const string_sink&) = delete;
    void put(char c) { *w_++ = c; }
    void put3(std::uint32_t q) {
        w_[0] = static_cast<char>(q >> 16);
        w_[1] = static_cast<char>((q >> 8) & 0xFF);
        w_[2] = static_cast<char>(q & 0xFF);
        w_ += 3;
    }

    // For writers of many octets at once: where the next goes, and how
    // many were written there.
    char* cursor() { return w_; }
    void advance(std::size_t n) { w_ += n; }

private:
    std::string& out_;
    std::size_t old_;
    char* w_;
};

#ifdef SIFT_BASE64_AVX2
// Nonzero in the bytes of `str` whose high and low nibbles index entries
// of `hi_table` and `lo_table` that share a bit (W. Muła and D. Lemire's
// classification, below).
__attribute__((target("avx2"))) inline __m256i nibble_classes(__m256i str, __m256i lo_table,
                                                              __m256i hi_table) {
    const __m256i mask_2f = _mm256_set1_epi8(0x2F);  // pshufb reads the low nibble (and bit 7, cleared)
    const __m256i hi = _mm256_shuffle_epi8(hi_table, _mm256_and_si256(_mm256_srli_epi32(str, 4), mask_2f));
    const __m256i lo = _mm256_shuffle_epi8(lo_table, _mm256_and_si256(str, mask_2f));
    return _mm256_and_si256(lo, hi);
}

// Nonzero in the bytes of `str` outside the base64 alphabet.
__attribute__((target("avx2"))) inline __m256i outside_alphabet(__m256i str) {
    return nibble_classes(str,
                          _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13,
                                           0x1A, 0x1B, 0x1B, 0x1B, 0x1A, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11,
                                           0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A),
                          _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10,
                                           0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08,
                                           0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10));
}

// Bit k set when byte k of `str` is a base64 symbol.
__attribute__((target("avx2"))) inline std::uint32_t symbol_bits(__m256i str) {
    return std::uint32_t(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(outside_alphabet(str), _mm256_setzero_si256())));
}

// 32 symbols at a time with AVX2 (W. Muła and D. Lemire, "Faster Base64
// Encoding and Decoding Using AVX2 Instructions", ACM TWEB 2018, as in
// aklomp/base64): each byte's high and low nibble index two tables whose
// entries share a bit only for bytes outside the alphabet; a third, by the
// high nibble ('/' apart), gives what to add to make each symbol its six
// bits; multiply-adds pack each four into three octets. This writes the
// 24 octets of 32 symbols at `out`.
__attribute__((target("avx2"))) inline void decode_block_avx2(__m256i str, char* out) {
    const __m256i lut_roll = _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16,
                                              19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i mask_2f = _mm256_set1_epi8(0x2F);
    const __m256i pack_bytes = _mm256_set1_epi32(0x01400140);  // 6 + 6 bits -> 12 in each 16
    const __m256i pack_pairs = _mm256_set1_epi32(0x00011000);  // 12 + 12 bits -> 24 in each 32
    const __m256i order = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1, 0, 6,
                                           5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i gather = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);  // both lanes' 12 octets together
    const __m256i hi_nibbles = _mm256_and_si256(_mm256_srli_epi32(str, 4), mask_2f);
    const __m256i eq_2f = _mm256_cmpeq_epi8(str, mask_2f);
    const __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(eq_2f, hi_nibbles));
    str = _mm256_add_epi8(str, roll);
    str = _mm256_madd_epi16(_mm256_maddubs_epi16(str, pack_bytes), pack_pairs);
    str = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(str, order), gather);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm256_castsi256_si128(str));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 16), _mm256_extracti128_si256(str, 1));
}

// What base64_decode_avx2 read: `read` bytes (symbols and line breaks, a
// whole number of quanta), the last symbol just before `data_end` (0: no
// symbol), its octets written up to `out`.
struct avx2_run {
    std::size_t read = 0;
    std::size_t data_end = 0;
    char* out = nullptr;
};

// Runs of symbols decoded 32 at a time, across line breaks: a MIME body is
// lines of 76 symbols, and a vector loop that stopped at each line break
// left 12 symbols and the break of every line to the byte loop (about 200
// instructions a line, against about 60 here). A line's last 32 symbols
// are decoded as one block again, overlapping the block before (its
// octets written again, the same), when the line holds at least 32 and a
// whole number of quanta; then a run of CR and LF, which moves no state of
// the decoding (it is skipped without a problem), is passed over. It stops
// before anything else (a '=', junk, a line of fewer than 32 symbols or
// not of whole quanta, the last 31 bytes), which the caller reads.
__attribute__((target("avx2"))) avx2_run base64_decode_avx2(const char* in, std::size_t size, char* out) {
    std::size_t i = 0;
    std::size_t line = 0;  // where the run of symbols holding i started
    std::size_t data_end = 0;
    while (size - i >= 32) {
        const __m256i str = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
        if (std::uint32_t other = ~symbol_bits(str); other != 0) {
            const std::size_t stop = i + std::size_t(__builtin_ctz(other));
            const std::size_t whole = line + (stop - line) / 4 * 4;  // the run's last whole quantum ends here
            if (whole > i) {
                if (whole - line < 32) break;  // i == line: a short run, for the byte loop
                // [whole - 32, whole) are all symbols, from a quantum's start: i - (whole - 32) is
                // a multiple of four (i - line of 32, whole - line of 4) and positive.
                const __m256i tail = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + whole - 32));
                decode_block_avx2(tail, out - (i - (whole - 32)) / 4 * 3);
                out += (whole - i) / 4 * 3;
                i = data_end = whole;
            }
            if (whole != stop) break;  // one to three symbols of a quantum before it
            std::size_t next = stop;
            while (next < size && (in[next] == '\r' || in[next] == '\n')) ++next;
            if (next == stop) break;  // a '=' or junk
            i = line = next;
            continue;
        }
        decode_block_avx2(str, out);
        out += 24;
        i += 32;
        data_end = i;
    }
    return {i, data_end, out};
}

// Nonzero in the bytes of `str` that are neither base64 symbols nor CR or
// LF: outside_alphabet's tables with a bit of their own (0x20) for the high
// nibble 0, which every low nibble's entry holds but 0xA's and 0xD's.
__attribute__((target("avx2"))) inline __m256i outside_alphabet_and_breaks(__m256i str) {
    return nibble_classes(str,
                          _mm256_setr_epi8(0x35, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x13,
                                           0x3A, 0x3B, 0x1B, 0x3B, 0x3A, 0x35, 0x31, 0x31, 0x31, 0x31, 0x31,
                                           0x31, 0x31, 0x31, 0x31, 0x13, 0x3A, 0x3B, 0x1B, 0x3B, 0x3A),
                          _mm256_setr_epi8(0x20, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10,
                                           0x10, 0x10, 0x10, 0x10, 0x10, 0x20, 0x10, 0x01, 0x02, 0x04, 0x08,
                                           0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10));
}

// Nonzero where a or b holds anything but symbols and line breaks.
__attribute__((target("avx2"))) inline __m256i other_bytes(__m256i a, __m256i b) {
    return _mm256_or_si256(outside_alphabet_and_breaks(a), outside_alphabet_and_breaks(b));
}

// In blocks a and b of symbols and line breaks, -1 in an octet for each of
// the two that is a break (the bytes below 0x20, signed: the octets from
// 0x80 are no symbols).
__attribute__((target("avx2"))) inline __m256i break_marks(__m256i a, __m256i b) {
    const __m256i space = _mm256_set1_epi8(0x20);
    return _mm256_add_epi8(_mm256_cmpgt_epi8(space, a), _mm256_cmpgt_epi8(space, b));
}

// base64_plain_prefix's blocks of 64, 32 bytes a step. Returns where the
// first block holding anything but symbols and line breaks starts, and in
// `breaks` the line breaks before it modulo 4: a block's symbols are its
// bytes less its breaks, and only their count modulo 4 carries over. Each
// octet of `count` counts its lane's breaks modulo 256, which keeps them
// modulo 4 with no widening in the loop.
__attribute__((target("avx2"))) std::size_t plain_blocks_avx2(const char* in, std::size_t size,
                                                              std::size_t& breaks) {
    __m256i count = _mm256_setzero_si256();
    std::size_t i = 0;
    // Two blocks a step while they last (the loop's own instructions
    // halved), then the last one alone.
    for (; i + 128 <= size; i += 128) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i + 32));
        const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i + 64));
        const __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i + 96));
        const __m256i other = _mm256_or_si256(other_bytes(a, b), other_bytes(c, d));
        if (!_mm256_testz_si256(other, other)) break;
        count = _mm256_sub_epi8(count, _mm256_add_epi8(break_marks(a, b), break_marks(c, d)));
    }
    for (; i + 64 <= size; i += 64) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i + 32));
        const __m256i other = other_bytes(a, b);
        if (!_mm256_testz_si256(other, other)) break;
        count = _mm256_sub_epi8(count, break_marks(a, b));
    }
    const __m256i sums = _mm256_sad_epu8(count, _mm256_setzero_si256());  // four sums of eight octets
    breaks = std::size_t(_mm256_extract_epi64(sums, 0) + _mm256_extract_epi64(sums, 1) +
                         _mm256_extract_epi64(sums, 2) + _mm256_extract_epi64(sums, 3)) %
             4;
    return i;
}

bool have_avx2() {
    static const bool yes = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }();
    return yes;
}
#endif

struct discard_sink {
    discard_sink(discard&, std::size_t) {}
    void put(char) {}
    void put3(std::uint32_t) {}
};

template <class Out>
using base64_sink = std::conditional_t<std::is_same_v<Out, std::string>, string_sink, discard_sink>;

template <class Out>
void base64_decode(std::string_view in, Out& sink_of, decode_problems* problems, base64_start start = {}) {
    base64_sink<Out> out(sink_of, in.size() - std::min(start.at, in.size()));
    std::uint32_t acc = 0;
    int n = start.n;              // symbols of the current quantum
    int pad_due = 0;              // '=' still owed by the quantum the last '=' ended
    bool padded = false;          // a '=' was seen: data after it is concatenated
    std::size_t end = start.end;  // just after the last symbol or '=': where the data ends
    auto flush_partial = [&] {
        // 2 symbols carry one octet, 3 carry two; 1 carries nothing whole.
        if (n == 2) {
            out.put(static_cast<char>(acc >> 4));
        } else if (n == 3) {
            out.put(static_cast<char>(acc >> 10));
            out.put(static_cast<char>((acc >> 2) & 0xFF));
        }
        acc = 0;
        n = 0;
    };
    for (std::size_t i = start.at; i < in.size(); ++i) {
        // Quanta of four symbols at once, the common case: at a quantum's
        // start with no padding pending, they move no other state. The
        // byte that stops them is read below.
        if (n == 0 && !padded) {
#ifdef SIFT_BASE64_AVX2
            if constexpr (std::is_same_v<Out, std::string>) {
                if (have_avx2()) {
                    const avx2_run run = base64_decode_avx2(in.data() + i, in.size() - i, out.cursor());
                    out.advance(std::size_t(run.out - out.cursor()));
                    if (run.data_end != 0) end = i + run.data_end;
                    i += run.read;  // past line breaks, perhaps
                }
            }
#endif
            const std::size_t quanta = i;
            while (in.size() - i >= 4) {
                const auto* p = reinterpret_cast<const unsigned char*>(in.data() + i);
                int const a = int{base64_table[p[0]]}, b = int{base64_table[p[1]]},
                          c = int{base64_table[p[2]]}, d = int{base64_table[p[3]]};
                if ((a | b | c | d) < 0) break;
                out.put3(std::uint32_t(a) << 18 | std::uint32_t(b) << 12 | std::uint32_t(c) << 6 |
                         std::uint32_t(d));
                i += 4;
            }
            if (i != quanta) end = i;
            if (i == in.size()) break;
        }
        char const c = in[i];
        int const v = int{base64_table[static_cast<unsigned char>(c)]};  // -1: not a base64 character
        if (c == '=') {
            end = i + 1;
            if (problems) {
                if (n == 1) {
                    problems->bad_padding.note(i, "a lone symbol before '=' carries no whole octet");
                } else if (n == 0 && pad_due == 0) {
                    problems->bad_padding.note(i, "a '=' that pads nothing");
                }
                pad_due = n == 2 ? 1 : n == 0 && pad_due > 0 ? pad_due - 1 : 0;
                padded = true;
            }
            flush_partial();
            continue;
        }
        if (v < 0) {
            if (problems && c != '\r' && c != '\n') {
                problems->invalid_characters.note(i, "a character outside the alphabet");
            }
            continue;
        }
        end = i + 1;
        if (problems && padded) {
            problems->bad_padding.note(
                i, pad_due > 0 ? "padding cut short by more data" : "more data after the '=' padding");
            padded = false;
            pad_due = 0;
        }
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        if (++n == 4) {
            out.put3(acc);
            acc = 0;
            n = 0;
        }
    }
    if (problems) {
        if (n == 1) {
            problems->bad_padding.note(end, "a lone symbol at the end carries no whole octet");
        } else if (n > 1) {
            problems->bad_padding.note(end, "the last quantum has no '=' padding");
        } else if (pad_due > 0) {
            problems->bad_padding.note(end, "the '=' padding at the end is one short");
        }
    }
    flush_partial();
}

// RFC 2045 §6.7 rule 5, the line break not counted.
constexpr std::size_t max_qp_line = 76;

// One line of quoted-printable text, without its line ending, starting at
// offset `at` of the text; returns false when it ended in a soft line break.
template <class Out>
bool qp_line(std::string_view ln, std::size_t at, Out& out, decode_problems* problems) {
    if (problems && ln.size() > max_qp_line) {
        problems->long_lines.note(at, "a line longer than 76 characters");
    }
    while (!ln.empty() && is_wsp(ln.back())) {
        ln.remove_suffix(1);
    }
    bool soft = !ln.empty() && ln.back() == '=';
    if (soft) {
        ln.remove_suffix(1);
    }
    for (std::size_t i = 0; i < ln.size(); ++i) {
        char byte = 0;
        if (ln[i] == '=' && hex_pair(ln, i, byte)) {
            out += byte;
            i += 2;
        } else {
            if (problems && ln[i] == '=') {
                problems->bad_escapes.note(at + i, "a '=' not followed by two hex digits");
            }
            out += ln[i];
        }
    }
    return !soft;
}

template <class Out>
void qp_decode(std::string_view in, Out& out, decode_problems* problems) {
    std::size_t pos = 0;
    while (pos < in.size()) {
        std::size_t lf = in.find('\n', pos);
        std::size_t end = lf == std::string_view::npos ? in.size() : lf;
        std::size_t content_end = (end > pos && in[end - 1] == '\r') ? end - 1 : end;
        bool hard = qp_line(in.substr(pos, content_end - pos), pos, out, problems);
        if (hard && lf != std::string_view::npos) {
            out.append(in.substr(content_end, lf + 1 - content_end));
        }
        pos = lf == std::string_view::npos ? in.size() : lf + 1;
    }
}

}  // namespace

void append_base64_decoded(std::string_view in, std::string& out, decode_problems* problems) {
    base64_decode(in, out, problems);
}

void append_qp_decoded(std::string_view in, std::string& out, decode_problems* problems) {
    qp_decode(in, out, problems);
}

namespace {

// 1 for a base64 symbol (A-Z a-z 0-9 + /), written with comparisons so that
// the compiler vectorises the loop below; octet-wide, so that it needs no
// widening (a block's count fits an octet).
inline std::uint8_t is_symbol(unsigned char c) {
    return std::uint8_t((c >= 'A' && c <= 'Z') | (c >= 'a' && c <= 'z') | (c >= '0' && c <= '9') |
                        (c == '+') | (c == '/'));
}

// base64_plain_prefix's blocks, a byte at a time (the compiler vectorises
// it: 2.2 instructions an octet with SSE2) where the CPU has no AVX2.
std::size_t plain_blocks(std::string_view in, std::size_t& symbols) {
    constexpr std::size_t block = 64;
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    std::size_t i = 0;
    for (; i + block <= in.size(); i += block) {
        std::uint8_t sym = 0, other = 0;  // block = 64: the count fits
        for (std::size_t j = 0; j < block; ++j) {
            unsigned char c = p[i + j];
            std::uint8_t s = is_symbol(c);
            sym = std::uint8_t(sym + s);
            other |= std::uint8_t(~s & std::uint8_t(c != '\r' && c != '\n'));
        }
        if (other) break;
        symbols += sym;
    }
    return i;
}

// Where base64_decode may start checking `in` without having decoded it:
// after the longest run of 64-byte blocks holding only symbols and line
// breaks (what a well-formed part is made of up to its last line). Such
// bytes raise no problem and move no padding state; only the quantum's
// position (symbols modulo 4) and the end of the data carry over. With
// AVX2 about half an instruction an octet (the base64 parts of every
// message pass here), else plain_blocks'.
base64_start base64_plain_prefix(std::string_view in) {
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    std::size_t i = 0;
    int n = 0;  // the prefix's symbols modulo 4
#ifdef SIFT_BASE64_AVX2
    if (have_avx2()) {
        std::size_t breaks = 0;
        i = plain_blocks_avx2(in.data(), in.size(), breaks);
        n = int((4 - breaks) % 4);  // i is a multiple of 4
    } else
#endif
    {
        std::size_t symbols = 0;
        i = plain_blocks(in, symbols);
        n = int(symbols % 4);
    }
    // The data ends after the prefix's last symbol: its last byte that is
    // not a line break (none: no symbol, 0).
    std::size_t last = i;
    while (last > 0 && (p[last - 1] == '\r' || p[last - 1] == '\n')) --last;
    return {.at = i, .n = n, .end = last};
}

}  // namespace

void check_base64(std::string_view in, decode_problems& problems) {
    discard out;
    base64_decode(in, out, &problems, base64_plain_prefix(in));
}

void check_qp(std::string_view in, decode_problems& problems) {
    discard out;
    qp_decode(in, out, &problems);
}

void append_percent_decoded(std::string_view in, std::string& out) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        char byte = 0;
        if (in[i] == '%' && hex_pair(in, i, byte)) {
            out += byte;
            i += 2;
        } else {
            out += in[i];
        }
    }
}

namespace {

// The first CR or LF in [p, end), or end. One pass for both (unfold asked
// memchr twice a value, and most values are a few dozen bytes): sixteen
// bytes a step with SSE2, the last step overlapping the one before (its
// bytes already seen hold neither); a value under 16 bytes bytewise.
inline const char* find_line_break(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    if (end - p >= 16) {
        const __m128i cr = _mm_set1_epi8('\r');
        const __m128i lf = _mm_set1_epi8('\n');
        auto hits = [&](const char* at) {
            __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
            return unsigned(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf))));
        };
        for (; end - p > 16; p += 16) {
            if (unsigned h = hits(p)) return p + __builtin_ctz(h);
        }
        p = end - 16;
        unsigned h = hits(p);
        return h ? p + __builtin_ctz(h) : end;
    }
#endif
    while (p < end && *p != '\r' && *p != '\n') ++p;
    return p;
}

// memchr is vectorised; string_view::find of a two-character string is not
// always.
bool has_encoded_word_start(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (const char *p = s.data(), *end = s.data() + s.size();
         (p = static_cast<const char*>(std::memchr(p, '=', end - p))) != nullptr; ++p) {
        if (p + 1 < end && p[1] == '?') {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string_view unfold(std::string_view value, std::string& scratch) {
    const char* const end = value.data() + value.size();
    const char* brk = find_line_break(value.data(), end);
    if (brk == end) {
        return trim_wsp(value);
    }
    // The runs between line-break characters, appended whole.
    scratch.clear();
    scratch.reserve(value.size());
    for (const char* run = value.data();; run = brk + 1, brk = find_line_break(run, end)) {
        scratch.append(run, static_cast<std::size_t>(brk - run));
        if (brk == end) break;
    }
    return trim_wsp(scratch);
}

std::string unfold(std::string_view value) {
    std::string scratch;
    return std::string(unfold(value, scratch));
}

namespace {

struct encoded_word {
    std::string_view charset;  // without an RFC 2231 "*language" suffix
    std::string bytes;         // decoded, still in `charset`
    std::size_t end = 0;       // just after the closing "?="
    char encoding = 0;         // 'b' or 'q'
};

bool is_token_char(char c) {
    return c > ' ' && c < 127 && c != '?';
}

void append_q_decoded(std::string_view text, std::string& out) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        char byte = 0;
        if (text[i] == '_') {
            out += ' ';
        } else if (text[i] == '=' && hex_pair(text, i, byte)) {
            out += byte;
            i += 2;
        } else {
            out += text[i];
        }
    }
}

bool is_base64_text(std::string_view text) {
    for (char c : text) {
        if (c != '=' && base64_table[static_cast<unsigned char>(c)] < 0) {
            return false;
        }
    }
    return true;
}

// Parses "=?charset?X?text?=" at s[pos]; false leaves the text as written.
bool parse_encoded_word(std::string_view s, std::size_t pos, encoded_word& w) {
    if (s.substr(pos, 2) != "=?") {
        return false;
    }
    std::size_t cs_begin = pos + 2;
    std::size_t q1 = cs_begin;
    while (q1 < s.size() && is_token_char(s[q1])) {
        ++q1;
    }
    if (q1 == cs_begin || q1 + 2 >= s.size() || s[q1] != '?' || s[q1 + 2] != '?') {
        return false;
    }
    char enc = ascii_lower(s[q1 + 1]);
    std::size_t text_begin = q1 + 3;
    std::size_t q2 = text_begin;
    while (q2 < s.size() && is_token_char(s[q2])) {
        ++q2;
    }
    if (q2 + 1 >= s.size() || s[q2] != '?' || s[q2 + 1] != '=') {
        return false;
    }
    std::string_view text = s.substr(text_begin, q2 - text_begin);
    w.bytes.clear();
    if (enc == 'q') {
        append_q_decoded(text, w.bytes);
    } else if (enc == 'b' && is_base64_text(text)) {
        append_base64_decoded(text, w.bytes);
    } else {
        return false;
    }
    w.charset = s.substr(cs_begin, q1 - cs_begin);
    w.charset = w.charset.substr(0, w.charset.find('*'));
    w.end = q2 + 2;
    w.encoding = enc;
    return true;
}

// Decoded words waiting to be converted: adjacent words of one charset are
// converted together, so a character split between them survives.
class word_joiner {
public:
    explicit word_joiner(std::string& out) : out_(out) {}

    void add(const encoded_word& w) {
        if (!iequals(w.charset, charset_)) {
            flush();
            charset_ = w.charset;
        }
        bytes_ += w.bytes;
    }

    void flush() {
        if (!bytes_.empty()) {
            append_utf8(bytes_, charset_, out_);
            bytes_.clear();
        }
        charset_ = {};
    }

private:
    std::string& out_;
    std::string_view charset_;
    std::string bytes_;
};

}  // namespace

std::string decode_encoded_words(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    word_joiner joiner(out);
    encoded_word w;
    bool after_word = false;
    std::string_view held_ws;  // whitespace after a word, dropped if a word follows
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '=' && parse_encoded_word(s, i, w)) {
            joiner.add(w);
            after_word = true;
            held_ws = {};
            i = w.end;
            continue;
        }
        if (after_word && is_wsp(s[i]) && held_ws.empty()) {
            std::size_t e = i;
            while (e < s.size() && is_wsp(s[e])) {
                ++e;
            }
            held_ws = s.substr(i, e - i);
            i = e;
            continue;
        }
        joiner.flush();
        out += held_ws;
        held_ws = {};
        after_word = false;
        std::size_t next = s.find("=?", i + 1);
        std::size_t stop = next == std::string_view::npos ? s.size() : next;
        out.append(s.substr(i, stop - i));
        i = stop;
    }
    joiner.flush();
    out += held_ws;
    return out;
}

std::vector<encoded_word_label> encoded_word_labels(std::string_view s) {
    std::vector<encoded_word_label> out;
    encoded_word w;
    for (std::size_t i = s.find("=?"); i != std::string_view::npos; i = s.find("=?", i + 1)) {
        if (!parse_encoded_word(s, i, w)) {
            continue;
        }
        out.push_back({w.charset, w.encoding});
        i = w.end - 1;
    }
    return out;
}

namespace {

// Whether [p, end) holds a CR, an LF or "=?": what sends a value through
// unfold's copy or the encoded-word decoder. One pass for all three
// (unfold's scan and then memchr for '=' were two over the same few dozen
// bytes, for every header value a test reads): sixteen positions a step
// with SSE2, each '=' paired with the byte after it, the last step
// overlapping the one before; the last byte, which starts no "=?", is
// checked for a line break alone. A value under 17 bytes bytewise.
inline bool has_break_or_word(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    if (end - p >= 17) {
        const __m128i cr = _mm_set1_epi8('\r');
        const __m128i lf = _mm_set1_epi8('\n');
        const __m128i eq = _mm_set1_epi8('=');
        const __m128i qm = _mm_set1_epi8('?');
        auto hits = [&](const char* at) {
            __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
            __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 1));
            __m128i brk = _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf));
            __m128i word = _mm_and_si128(_mm_cmpeq_epi8(v, eq), _mm_cmpeq_epi8(w, qm));
            return _mm_movemask_epi8(_mm_or_si128(brk, word)) != 0;
        };
        for (; end - p > 17; p += 16) {
            if (hits(p)) return true;
        }
        return hits(end - 17) || end[-1] == '\r' || end[-1] == '\n';
    }
#endif
    for (; p < end; ++p) {
        if (*p == '\r' || *p == '\n' || (*p == '=' && p + 1 < end && p[1] == '?')) return true;
    }
    return false;
}

}  // namespace

std::string_view decode_header(std::string_view value, std::string& scratch) {
    // One line without an encoded word, as most values are: unfold would
    // only trim it, and the decoder leave it as it is.
    if (!has_break_or_word(value.data(), value.data() + value.size())) {
        return trim_wsp(value);
    }
    std::string_view u = unfold(value, scratch);
    if (!has_encoded_word_start(u)) {
        return u;
    }
    std::string decoded = decode_encoded_words(u);
    scratch = std::move(decoded);
    return scratch;
}

std::string decode_header(std::string_view value) {
    std::string scratch;
    return std::string(decode_header(value, scratch));
}

}  // namespace sift::mail
