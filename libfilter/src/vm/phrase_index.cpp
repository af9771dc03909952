#include "vm/phrase_index.hpp"

#include <algorithm>
#include <deque>

namespace sift::vm {

namespace {

// Past these the automaton is not built (the lists are searched key by
// key, as without it): a table of states x classes entries, whose row
// offsets must fit in 32 bits.
constexpr std::size_t max_states = 1u << 16;
constexpr std::size_t max_entries = std::size_t{1} << 22;

unsigned char fold(unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c;
}

}  // namespace

void phrase_index::add_list(std::uint32_t list, std::span<const std::string_view> keys) {
    if (list >= slot_of_.size()) slot_of_.resize(std::size_t(list) + 1, -1);
    if (slot_of_[list] >= 0) return;
    slot_of_[list] = std::int32_t(slot_lists_.size());
    slot_lists_.push_back(list);
    pending_.emplace_back(keys.begin(), keys.end());
}

bool phrase_index::build() {
    auto give_up = [&] {
        *this = phrase_index{};
        return false;
    };
    always_.assign(slot_lists_.size(), 0);
    // Byte classes: every folded byte some key holds gets its own class.
    class_.fill(0);
    classes_ = 1;
    std::size_t total = 0;
    for (const auto& keys : pending_)
        for (auto k : keys) {
            total += k.size();
            for (unsigned char c : k) {
                auto f = fold(c);
                if (!class_[f]) class_[f] = static_cast<std::uint8_t>(classes_++);
            }
        }
    for (int c = 'A'; c <= 'Z'; ++c) class_[std::size_t(c)] = class_[std::size_t(c) + 32];
    if (total + 1 > max_states || (total + 1) * classes_ > max_entries) return give_up();

    // The trie: goto_ as the table itself (0 = no edge yet; state 0 is the root).
    std::vector<std::uint32_t> table(classes_, 0);
    std::vector<std::vector<std::uint32_t>> out(1);
    std::uint32_t states = 1;
    for (std::uint32_t slot = 0; slot < pending_.size(); ++slot)
        for (auto k : pending_[slot]) {
            if (k.empty()) {
                always_[slot] = 1;
                continue;
            }
            std::uint32_t s = 0;
            for (unsigned char c : k) {
                auto& edge = table[std::size_t(s) * classes_ + class_[c]];
                if (!edge) {
                    edge = states++;
                    table.resize(std::size_t(states) * classes_, 0);
                    out.emplace_back();
                }
                s = table[std::size_t(s) * classes_ + class_[c]];
            }
            out[s].push_back(slot);
        }
    // Failure links breadth-first, completing the table into a DFA and
    // each state's outputs with its failure state's.
    std::vector<std::uint32_t> fail(states, 0);
    std::deque<std::uint32_t> queue;
    for (std::uint32_t c = 0; c < classes_; ++c)
        if (auto t = table[c]) queue.push_back(t);
    while (!queue.empty()) {
        auto s = queue.front();
        queue.pop_front();
        auto& o = out[s];
        const auto& fo = out[fail[s]];
        o.insert(o.end(), fo.begin(), fo.end());
        for (std::uint32_t c = 0; c < classes_; ++c) {
            auto& t = table[std::size_t(s) * classes_ + c];
            auto via = table[std::size_t(fail[s]) * classes_ + c];
            if (t) {
                fail[t] = via;
                queue.push_back(t);
            } else {
                t = via;
            }
        }
    }
    // The states where keys end numbered last, from `plain` on: a step
    // that reaches one reaches a row offset of first_end_ or more, a
    // single comparison. The root (no key is empty here) stays 0.
    std::vector<std::uint32_t> id(states);
    std::uint32_t plain = 0;
    for (std::uint32_t s = 0; s < states; ++s)
        if (out[s].empty()) id[s] = plain++;
    for (std::uint32_t s = 0, n = plain; s < states; ++s)
        if (!out[s].empty()) id[s] = n++;
    first_end_ = std::size_t(plain) * classes_;
    begin_.assign(states - plain + 1, 0);
    outputs_.clear();
    std::vector<std::uint32_t> by_id(states);
    for (std::uint32_t s = 0; s < states; ++s) by_id[id[s]] = s;
    for (std::uint32_t n = plain; n < states; ++n) {
        auto& o = out[by_id[n]];
        std::sort(o.begin(), o.end());
        o.erase(std::unique(o.begin(), o.end()), o.end());
        begin_[n - plain] = std::uint32_t(outputs_.size());
        outputs_.insert(outputs_.end(), o.begin(), o.end());
    }
    begin_[states - plain] = std::uint32_t(outputs_.size());
    // Rows in the new order, targets as row offsets (state x classes), so
    // that a step is one add.
    std::vector<std::uint32_t> rows(table.size());
    for (std::uint32_t s = 0; s < states; ++s)
        for (std::uint32_t c = 0; c < classes_; ++c)
            rows[std::size_t(id[s]) * classes_ + c] = id[table[std::size_t(s) * classes_ + c]] * classes_;
    next_ = std::move(rows);
    pending_.clear();
    pending_.shrink_to_fit();
    return true;
}

void phrase_index::search(std::string_view text, std::vector<std::uint8_t>& found) const {
    found.assign(always_.begin(), always_.end());
    std::size_t left = lists() - std::size_t(std::count(found.begin(), found.end(), 1));
    if (left == 0 || next_.empty()) return;
    // Locals: the stores into `found` could alias the members otherwise,
    // and each step would read them again.
    const auto* next = next_.data();
    const auto* cls = class_.data();
    const auto* begin = begin_.data();
    const auto* outputs = outputs_.data();
    auto* hit = found.data();
    const std::size_t first_end = first_end_, k = classes_;
    std::size_t row = 0;
    // One step; false once every list has been found.
    auto step = [&](unsigned char c) {
        row = next[row + cls[c]];
        if (row < first_end) return true;
        auto s = (row - first_end) / k;
        for (auto i = begin[s]; i < begin[s + 1]; ++i)
            if (!hit[outputs[i]]) {
                hit[outputs[i]] = 1;
                if (--left == 0) return false;
            }
        return true;
    };
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    // Four octets a round: the loop's own test once for four steps.
    for (; end - p >= 4; p += 4)
        if (!step(p[0]) || !step(p[1]) || !step(p[2]) || !step(p[3])) return;
    for (; p != end; ++p)
        if (!step(*p)) return;
}

}  // namespace sift::vm
