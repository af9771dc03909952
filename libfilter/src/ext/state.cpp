// See state.hpp. SHA-256 is FIPS 180-4 §6.2, written out here so the
// engine needs no crypto library for its keys.
#include "ext/state.hpp"

#include "vm/run_state.hpp"

#include <sift/store.hpp>

#include <algorithm>
#include <array>
#include <cstdint>

namespace sift::ext {
namespace {

constexpr std::array<std::uint32_t, 64> round_constants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

std::uint32_t rotr(std::uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}

void compress(std::array<std::uint32_t, 8>& h, const unsigned char* block) {
    std::array<std::uint32_t, 64> w{};
    for (std::size_t i = 0; i < 16; ++i)
        w[i] = std::uint32_t(block[4 * i]) << 24 | std::uint32_t(block[4 * i + 1]) << 16 |
               std::uint32_t(block[4 * i + 2]) << 8 | std::uint32_t(block[4 * i + 3]);
    for (int i = 16; i < 64; ++i) {
        auto s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        auto s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    auto v = h;
    for (int i = 0; i < 64; ++i) {
        auto s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
        auto ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
        auto t1 = v[7] + s1 + ch + round_constants[i] + w[i];
        auto s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
        auto maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
        v = {t1 + s0 + maj, v[0], v[1], v[2], v[3] + t1, v[4], v[5], v[6]};
    }
    for (int i = 0; i < 8; ++i) h[i] += v[i];
}

std::array<std::uint32_t, 8> sha256(std::string_view data) {
    std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::size_t whole = data.size() / 64 * 64;
    for (std::size_t i = 0; i < whole; i += 64)
        compress(h, reinterpret_cast<const unsigned char*>(data.data() + i));
    // The tail, the 0x80 marker and the bit length, in one or two blocks.
    std::array<unsigned char, 128> tail{};
    std::size_t rest = data.size() - whole;
    std::copy_n(data.data() + whole, rest, tail.begin());
    tail[rest] = 0x80;
    std::size_t blocks = rest + 9 <= 64 ? 1 : 2;
    std::uint64_t bits = std::uint64_t(data.size()) * 8;
    for (int i = 0; i < 8; ++i) tail[blocks * 64 - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
    for (std::size_t b = 0; b < blocks; ++b) compress(h, tail.data() + 64 * b);
    return h;
}

}  // namespace

std::string hash_hex(std::string_view data) {
    static constexpr char digits[] = "0123456789abcdef";
    auto h = sha256(data);
    std::string out;
    for (int i = 0; i < 4; ++i)
        for (int shift = 28; shift >= 0; shift -= 4) out += digits[(h[i] >> shift) & 0xF];
    return out;
}

std::string key_address(std::string_view address) {
    std::string out(address);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : char(c); });
    return out.size() > 200 ? "#" + hash_hex(out) : out;
}

store::store& state_store(const vm::run_state& s, std::string_view command) {
    auto* st = s.host.state();
    if (!st)
        throw vm::runtime_error{std::string(command) + ": no state store configured (sift::host::state)"};
    return *st;
}

namespace {

// The keys a run created, forgotten again when it fails.
struct created_keys : vm::run_slot {
    std::vector<std::string> keys;

    void finish(vm::run_state& s, result& r, const vm::runtime_error* failure) override {
        auto* st = s.host.state();
        if (!failure || keys.empty() || !st) return;
        for (const auto& key : keys) {
            try {
                st->erase(key);
            } catch (const std::exception& e) {
                r.errors.push_back("state store: cannot forget a record of the failed run: " +
                                   std::string(e.what()));
                s.host.log(log_level::warning, r.errors.back());
            }
        }
        keys.clear();
    }
};

}  // namespace

bool created_in_this_run(const vm::run_state& s, const std::string& key) {
    const auto* created = s.find_slot<created_keys>();
    return created && std::find(created->keys.begin(), created->keys.end(), key) != created->keys.end();
}

bool record_once(vm::run_state& s, std::string_view command, const std::string& key,
                 std::chrono::seconds period) {
    auto& st = state_store(s, command);
    bool created = vm::ask_host(std::string(command) + ": state store",
                                [&] { return st.put_if_absent(key, now_text(s), period); });
    if (created) s.slot<created_keys>().keys.push_back(key);
    return created;
}

std::string now_text(const vm::run_state& s) {
    return std::to_string(s.now());
}

}  // namespace sift::ext
