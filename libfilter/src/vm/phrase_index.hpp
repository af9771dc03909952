// Many :contains keys under i;ascii-casemap, searched in one pass.
//
// A policy's wording rules are lists of phrases matched against a
// message's text (body :text :contains [...]); searching for each phrase
// in turn reads the text once per phrase, and a default policy has more
// than a hundred. The index is one Aho-Corasick automaton over the folded
// keys of every such list of a program (its lists given by program::link(),
// shared read-only by every run and thread; the table made by its first
// search, once): one pass over a text says which of the lists have a key
// in it. Its answer is the one the per-key search
// gives (i;ascii-casemap folds A-Z only, bytewise; an empty key is in
// every text), which the tests hold equal.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sift::vm {

class phrase_index {
public:
    // Adds list `list` (a list_pool index) with its keys; call before build().
    void add_list(std::uint32_t list, std::span<const std::string_view> keys);
    // Checks that the automaton is small enough to be worth it: false (and
    // the index stays empty) when not. The automaton itself is made by the
    // first search(), once: a sequence's first and last programs are
    // searched through their pair's index (paired_phrases_for), so that
    // their own are made only for a run that searches them.
    bool build();

    bool empty() const { return slot_lists_.empty(); }
    std::size_t lists() const { return slot_lists_.size(); }
    // The list's position in search()'s answer, or -1 when it is not indexed.
    std::ptrdiff_t slot(std::uint32_t list) const { return list < slot_of_.size() ? slot_of_[list] : -1; }
    // found[slot] = 1 for every indexed list with a key in `text`
    // (i;ascii-casemap); `found` is resized to lists().
    void search(std::string_view text, std::vector<std::uint8_t>& found) const;

private:
    // list -> slot, -1 for a list not indexed: a vector, not a map, as the
    // lists are a program's list_pool indices and every body test asks.
    std::vector<std::int32_t> slot_of_;
    std::vector<std::uint32_t> slot_lists_;  // slot -> list
    std::vector<std::uint8_t> always_;       // slot: has an empty key
    // The keys, kept for make(): their octets one after another, and each
    // key's end in them and slot.
    std::string keys_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> key_ends_;
    // The automaton: byte -> class (0: a byte in no key), then a full
    // transition table of states x classes. A target is the row offset of
    // the next state (state x classes); from first_end on, a state where
    // keys end: state first_end / classes + s has outputs[begin[s] ..
    // begin[s + 1]]. Every entry of `next` is written, so it is not zeroed
    // first.
    struct automaton {
        std::once_flag made;
        std::array<std::uint8_t, 256> class_of{};
        std::uint32_t classes = 0;
        std::size_t first_end = 0;
        std::unique_ptr<std::uint32_t[]> next;
        std::vector<std::uint32_t> begin;
        std::vector<std::uint32_t> outputs;  // slots
    };
    // Null until build(); search() makes its table (std::call_once), which
    // no run changes afterwards.
    std::unique_ptr<automaton> automaton_;
    void make(automaton& a) const;
};

}  // namespace sift::vm
