// Where the syntax tree's lists and text live. A script's tree is built
// once, read by the validator and the compiler, and dropped whole;
// allocating each of its many short lists and strings from the heap and
// freeing them one by one was a large share of compile time. So while the
// parser runs, lists come from an arena the tree owns (ast::script::storage):
// a pointer bump, and nothing to free but the arena's few blocks. The
// script's own copy and any text the parser or validator rebuilds (escapes,
// upper-case names, encoded-character) are kept there too.
//
// The allocator is stateless (lists move and compare as plain vectors do):
// it asks the arena the parser made current on this thread, and outside a
// parse (a list built or grown by other code) falls back to the heap. Each
// allocation starts with a word saying which, so deallocate() knows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

namespace sift::parse::ast {

class arena {
public:
    explicit arena(std::size_t first_block = 4096) : next_block_(first_block) {}
    arena(const arena&) = delete;
    arena& operator=(const arena&) = delete;
    // Moving hands the blocks over (what was allocated stays where it is).
    arena(arena&& other) noexcept
        : blocks_(std::exchange(other.blocks_, nullptr)),
          at_(std::exchange(other.at_, nullptr)),
          end_(std::exchange(other.end_, nullptr)),
          next_block_(other.next_block_) {}
    arena& operator=(arena&& other) noexcept {
        if (this != &other) {
            release();
            blocks_ = std::exchange(other.blocks_, nullptr);
            at_ = std::exchange(other.at_, nullptr);
            end_ = std::exchange(other.end_, nullptr);
            next_block_ = other.next_block_;
        }
        return *this;
    }
    ~arena() { release(); }

    void* allocate(std::size_t bytes) {
        bytes = (bytes + alignment - 1) & ~(alignment - 1);
        // Text (allocate_chars) may have left at_ unaligned.
        std::size_t const pad = (alignment - reinterpret_cast<std::uintptr_t>(at_) % alignment) % alignment;
        if (pad + bytes > std::size_t(end_ - at_))
            grow(bytes);
        else
            at_ += pad;
        void* p = at_;
        at_ += bytes;
        return p;
    }

    // Room for `n` characters (no alignment: text).
    char* allocate_chars(std::size_t n) {
        if (n > std::size_t(end_ - at_)) grow(n);
        auto* p = reinterpret_cast<char*>(at_);
        at_ += n;
        return p;
    }

    std::string_view copy(std::string_view text) {
        char* p = allocate_chars(text.size());
        if (!text.empty()) std::memcpy(p, text.data(), text.size());
        return {p, text.size()};
    }

    static constexpr std::size_t alignment = alignof(std::max_align_t);

    // The arena allocations on this thread go to; null outside a parse.
    static arena*& current() {
        thread_local arena* active = nullptr;
        return active;
    }

    // Makes `a` current for its lifetime (the parser's run).
    class scope {
    public:
        explicit scope(arena& a) : previous_(current()) { current() = &a; }
        ~scope() { current() = previous_; }
        scope(const scope&) = delete;
        scope& operator=(const scope&) = delete;

    private:
        arena* previous_;
    };

private:
    // The blocks are chained through a header at their start (one
    // allocation per block, none for a list of them).
    struct block_header {
        block_header* previous;
    };
    static constexpr std::size_t header_size = (sizeof(block_header) + alignment - 1) & ~(alignment - 1);

    void grow(std::size_t bytes) {
        std::size_t const size = bytes > next_block_ ? bytes : next_block_;
        auto* block = static_cast<std::byte*>(::operator new(header_size + size));
        blocks_ = ::new (block) block_header{blocks_};
        at_ = block + header_size;
        end_ = at_ + size;
        next_block_ = size * 2;
    }

    void release() noexcept {
        while (blocks_) {
            block_header* previous = blocks_->previous;
            ::operator delete(blocks_);
            blocks_ = previous;
        }
    }

    block_header* blocks_ = nullptr;
    std::byte* at_ = nullptr;
    std::byte* end_ = nullptr;
    std::size_t next_block_;
};

template <class T>
struct node_allocator {
    using value_type = T;

    node_allocator() noexcept = default;
    template <class U>
    node_allocator(const node_allocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        if (n > (std::size_t(-1) - header) / sizeof(T)) throw std::bad_array_new_length();
        std::size_t const bytes = header + n * sizeof(T);
        arena* a = arena::current();
        auto* block = static_cast<std::byte*>(a ? a->allocate(bytes) : ::operator new(bytes));
        *reinterpret_cast<std::uintptr_t*>(block) = a ? from_arena : from_heap;
        return reinterpret_cast<T*>(block + header);
    }

    void deallocate(T* p, std::size_t) noexcept {
        auto* block = reinterpret_cast<std::byte*>(p) - header;
        if (*reinterpret_cast<std::uintptr_t*>(block) == from_heap) ::operator delete(block);
    }

    friend bool operator==(node_allocator, node_allocator) noexcept { return true; }

private:
    static constexpr std::size_t header = arena::alignment;  // keeps T aligned
    static constexpr std::uintptr_t from_arena = 0, from_heap = 1;
};

// A list of the tree: a vector whose buffer comes from the tree's arena.
template <class T>
using list = std::vector<T, node_allocator<T>>;

}  // namespace sift::parse::ast
