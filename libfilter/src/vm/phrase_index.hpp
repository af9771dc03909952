// Many :contains keys under i;ascii-casemap, searched in one pass.
//
// A policy's wording rules are lists of phrases matched against a
// message's text (body :text :contains [...]); searching for each phrase
// in turn reads the text once per phrase, and a default policy has more
// than a hundred. The index is one Aho-Corasick automaton over the folded
// keys of every such list of a program (built by program::link(), shared
// read-only by every run and thread): one pass over a text says which of
// the lists have a key in it. Its answer is the one the per-key search
// gives (i;ascii-casemap folds A-Z only, bytewise; an empty key is in
// every text), which the tests hold equal.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sift::vm {

class phrase_index {
public:
    // Adds list `list` (a list_pool index) with its keys; call before build().
    void add_list(std::uint32_t list, std::span<const std::string_view> keys);
    // Makes the automaton; false (and the index stays empty) when it would
    // be too large to be worth it.
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
    std::vector<std::uint32_t> slot_lists_;               // slot -> list
    std::vector<std::vector<std::string_view>> pending_;  // keys, until build()
    std::vector<std::uint8_t> always_;                    // slot: has an empty key
    // The automaton: byte -> class (0: a byte in no key), then a full
    // transition table of states x classes. A target is the row offset of
    // the next state (state x classes); from first_end_ on, a state where
    // keys end: state first_end_ / classes_ + s has outputs_[begin_[s] ..
    // begin_[s + 1]].
    std::array<std::uint8_t, 256> class_{};
    std::uint32_t classes_ = 0;
    std::size_t first_end_ = 0;
    std::vector<std::uint32_t> next_;
    std::vector<std::uint32_t> begin_;
    std::vector<std::uint32_t> outputs_;  // slots
};

}  // namespace sift::vm
