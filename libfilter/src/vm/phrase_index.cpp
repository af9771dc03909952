#include "vm/phrase_index.hpp"

#include <algorithm>

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

    // The trie: trie[state x classes] its edges (0 = none; state 0 is the
    // root; at most total + 1 states, zeroed at once), each state's parent
    // and the class of the edge into it.
    std::vector<std::uint32_t> trie((total + 1) * classes_, 0);
    std::vector<std::uint32_t> parent(1, 0), via(1, 0);
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
                auto at = std::size_t(s) * classes_ + class_[c];
                if (!trie[at]) {
                    trie[at] = states++;
                    parent.push_back(s);
                    via.push_back(class_[c]);
                    out.emplace_back();
                }
                s = trie[at];
            }
            out[s].push_back(slot);
        }
    // Each state's children (by parent, in the order made), and the states
    // breadth-first: a state's failure state is shallower, so it comes first.
    std::vector<std::uint32_t> first(states + 1, 0), children(states - 1);
    for (std::uint32_t t = 1; t < states; ++t) ++first[parent[t] + 1];
    for (std::uint32_t s = 0; s < states; ++s) first[s + 1] += first[s];
    {
        auto fill = first;
        for (std::uint32_t t = 1; t < states; ++t) children[fill[parent[t]]++] = t;
    }
    std::vector<std::uint32_t> order(1, 0);
    order.reserve(states);
    for (std::size_t i = 0; i < order.size(); ++i)
        for (auto j = first[order[i]]; j < first[order[i] + 1]; ++j) order.push_back(children[j]);
    // Failure links along the trie's edges (the longest proper suffix that
    // is a trie state), and each state's outputs with its failure state's.
    std::vector<std::uint32_t> fail(states, 0);
    for (std::size_t i = 1; i < states; ++i) {
        auto t = order[i];
        if (parent[t] != 0) {
            auto f = fail[parent[t]];
            while (f != 0 && !trie[std::size_t(f) * classes_ + via[t]]) f = fail[f];
            fail[t] = trie[std::size_t(f) * classes_ + via[t]];
        }
        const auto& fo = out[fail[t]];
        out[t].insert(out[t].end(), fo.begin(), fo.end());
    }
    // Row offsets: the states where no key ends first (the root's is 0),
    // those where keys end from first_end_ on: a step that reaches one
    // reaches a row offset of first_end_ or more, a single comparison.
    std::uint32_t plain = 0;
    for (std::uint32_t s = 0; s < states; ++s) plain += out[s].empty();
    first_end_ = std::size_t(plain) * classes_;
    std::vector<std::uint32_t> row(states);
    begin_.assign(states - plain + 1, 0);
    outputs_.clear();
    for (std::uint32_t s = 0, p = 0, e = 0; s < states; ++s) {
        auto& o = out[s];
        if (o.empty()) {
            row[s] = p++ * classes_;
            continue;
        }
        row[s] = std::uint32_t(first_end_ + std::size_t(e) * classes_);
        std::sort(o.begin(), o.end());
        o.erase(std::unique(o.begin(), o.end()), o.end());
        begin_[e++] = std::uint32_t(outputs_.size());
        outputs_.insert(outputs_.end(), o.begin(), o.end());
    }
    begin_[states - plain] = std::uint32_t(outputs_.size());
    // The transition table, breadth-first: a state's row is its failure
    // state's (complete already) with its own edges over it, so that no
    // entry is looked up one by one; the root's other entries are the root.
    next_.assign(first_end_ + std::size_t(states - plain) * classes_, 0);
    for (auto s : order) {
        auto* r = next_.data() + row[s];
        if (s != 0) std::copy_n(next_.data() + row[fail[s]], classes_, r);
        for (auto j = first[s]; j < first[s + 1]; ++j) r[via[children[j]]] = row[children[j]];
    }
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
    // Eight octets a round: the loop's own test once for eight steps.
    for (const auto* stop = p + (text.size() & ~std::size_t{7}); p != stop; p += 8)
        if (!step(p[0]) || !step(p[1]) || !step(p[2]) || !step(p[3]) || !step(p[4]) || !step(p[5]) ||
            !step(p[6]) || !step(p[7]))
            return;
    for (; p != end; ++p)
        if (!step(*p)) return;
}

}  // namespace sift::vm
