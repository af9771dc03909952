#include "vm/phrase_index.hpp"

#include <algorithm>
#include <memory>
#include <mutex>

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
    auto slot = std::uint32_t(slot_lists_.size());
    slot_of_[list] = std::int32_t(slot);
    slot_lists_.push_back(list);
    // Copies: the index outlives a moved program's strings.
    for (auto k : keys) {
        keys_.append(k);
        key_ends_.emplace_back(std::uint32_t(keys_.size()), slot);
    }
}

bool phrase_index::build() {
    always_.assign(slot_lists_.size(), 0);
    auto a = std::make_unique<automaton>();
    // Byte classes: every folded byte some key holds gets its own class.
    a->classes = 1;
    for (unsigned char c : keys_) {
        auto f = fold(c);
        if (!a->class_of[f]) a->class_of[f] = static_cast<std::uint8_t>(a->classes++);
    }
    for (int c = 'A'; c <= 'Z'; ++c) a->class_of[std::size_t(c)] = a->class_of[std::size_t(c) + 32];
    std::size_t total = keys_.size();
    if (total + 1 > max_states || (total + 1) * a->classes > max_entries) {
        *this = phrase_index{};
        return false;
    }
    for (std::uint32_t at = 0; const auto& [end, slot] : key_ends_) {
        if (end == at) always_[slot] = 1;
        at = end;
    }
    automaton_ = std::move(a);
    return true;
}

void phrase_index::make(automaton& a) const {
    const auto& class_of = a.class_of;
    const std::uint32_t classes = a.classes;
    // The trie: trie[state x classes] its edges (0 = none; state 0 is the
    // root; at most max_states, so 16 bits; at most one state an octet of
    // the keys, zeroed at once), each state's parent and the class of the
    // edge into it.
    std::vector<std::uint16_t> trie((keys_.size() + 1) * classes, 0);
    std::vector<std::uint32_t> parent(1, 0), via(1, 0);
    std::vector<std::vector<std::uint32_t>> out(1);
    std::uint32_t states = 1;
    for (std::uint32_t at = 0; const auto& [end, slot] : key_ends_) {
        if (end == at) continue;  // an empty key: always_
        std::uint32_t s = 0;
        for (; at < end; ++at) {
            auto c = class_of[static_cast<unsigned char>(keys_[at])];
            auto i = std::size_t(s) * classes + c;
            if (!trie[i]) {
                trie[i] = static_cast<std::uint16_t>(states++);
                parent.push_back(s);
                via.push_back(c);
                out.emplace_back();
            }
            s = trie[i];
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
            while (f != 0 && !trie[std::size_t(f) * classes + via[t]]) f = fail[f];
            fail[t] = trie[std::size_t(f) * classes + via[t]];
        }
        const auto& fo = out[fail[t]];
        out[t].insert(out[t].end(), fo.begin(), fo.end());
    }
    // Row offsets: the states where no key ends first (the root's is 0),
    // those where keys end from a.first_end on: a step that reaches one
    // reaches a row offset of a.first_end or more, a single comparison.
    std::uint32_t plain = 0;
    for (std::uint32_t s = 0; s < states; ++s) plain += out[s].empty();
    a.first_end = std::size_t(plain) * classes;
    std::vector<std::uint32_t> row(states);
    a.begin.assign(states - plain + 1, 0);
    a.outputs.clear();
    for (std::uint32_t s = 0, p = 0, e = 0; s < states; ++s) {
        auto& o = out[s];
        if (o.empty()) {
            row[s] = p++ * classes;
            continue;
        }
        row[s] = std::uint32_t(a.first_end + std::size_t(e) * classes);
        std::sort(o.begin(), o.end());
        o.erase(std::unique(o.begin(), o.end()), o.end());
        a.begin[e++] = std::uint32_t(a.outputs.size());
        a.outputs.insert(a.outputs.end(), o.begin(), o.end());
    }
    a.begin[states - plain] = std::uint32_t(a.outputs.size());
    // The transition table, breadth-first: a state's row is its failure
    // state's (complete already) with its own edges over it, so that no
    // entry is looked up one by one; the root's other entries are the root.
    a.next = std::make_unique_for_overwrite<std::uint32_t[]>(std::size_t(states) * classes);
    for (auto s : order) {
        auto* r = a.next.get() + row[s];
        if (s == 0)
            std::fill_n(r, classes, 0);
        else
            std::copy_n(a.next.get() + row[fail[s]], classes, r);
        for (auto j = first[s]; j < first[s + 1]; ++j) r[via[children[j]]] = row[children[j]];
    }
}

void phrase_index::search(std::string_view text, std::vector<std::uint8_t>& found) const {
    found.assign(always_.begin(), always_.end());
    std::size_t left = lists() - std::size_t(std::count(found.begin(), found.end(), 1));
    if (left == 0 || !automaton_) return;
    // Made by the first search of any thread; read-only from then on.
    std::call_once(automaton_->made, [&] { make(*automaton_); });
    const auto& a = *automaton_;
    // Locals: the stores into `found` could alias the members otherwise,
    // and each step would read them again.
    const auto* next = a.next.get();
    const auto* cls = a.class_of.data();
    const auto* begin = a.begin.data();
    const auto* outputs = a.outputs.data();
    auto* hit = found.data();
    const std::size_t first_end = a.first_end, k = a.classes;
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
