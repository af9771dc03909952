// The bytecode file format (version 1). All integers are LEB128 varints
// unless noted; strings are a varint length and the bytes.
//
//   magic "SIFTBC\r\n"   u32 little-endian format version
//   capabilities: count, strings
//   string pool:  count, then per string: flag (1: template), string
//   variables:    count, names (lower-cased) of the variables set
//   list pool:    count, then per list: count, string indices
//   code:         count, then per instruction: opcode byte, operands as the
//                 opcode table says ('j' operands are zigzag offsets relative
//                 to the next instruction)
//   line table:   count of runs, then per run: instruction count, line
//
// Loading trusts nothing: every count is checked against the bytes left,
// every operand against its range, every jump against the code size.
// docs/BYTECODE.md describes the format in full, and when its version
// changes.
#include "vm/match.hpp"
#include "vm/program.hpp"

#include <algorithm>
#include <stdexcept>

namespace sift::vm {
namespace {

class writer {
public:
    void raw(std::string_view bytes) { out_.append(bytes); }
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out_.push_back(char((v >> (8 * i)) & 0xFF));
    }
    void varint(std::uint64_t v) {
        do {
            std::uint8_t byte = v & 0x7F;
            v >>= 7;
            out_.push_back(char(v ? byte | 0x80 : byte));
        } while (v);
    }
    void string(std::string_view s) {
        varint(s.size());
        out_.append(s);
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

struct format_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class reader {
public:
    explicit reader(std::string_view in) : in_(in) {}

    std::size_t offset() const { return pos_; }
    std::size_t left() const { return in_.size() - pos_; }

    std::string_view raw(std::size_t n, const char* what) {
        if (n > left()) fail(std::string("truncated ") + what);
        auto s = in_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    std::uint32_t u32(const char* what) {
        auto b = raw(4, what);
        std::uint32_t v = 0;
        for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[i]);
        return v;
    }
    std::uint64_t varint(const char* what) {
        std::uint64_t v = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            auto byte = static_cast<unsigned char>(raw(1, what)[0]);
            if (shift == 63 && byte > 1) fail(std::string("overlong number in ") + what);
            v |= std::uint64_t(byte & 0x7F) << shift;
            if (!(byte & 0x80)) return v;
        }
        fail(std::string("overlong number in ") + what);
    }
    // A count of items that each take at least one byte.
    std::size_t count(const char* what) {
        auto n = varint(what);
        if (n > left()) fail(std::string("count exceeds file size in ") + what);
        return static_cast<std::size_t>(n);
    }
    std::string string(const char* what) { return std::string(raw(count(what), what)); }

    [[noreturn]] void fail(const std::string& message) const {
        throw format_error(message + " at byte " + std::to_string(pos_));
    }

private:
    std::string_view in_;
    std::size_t pos_ = 0;
};

std::uint64_t zigzag(std::int64_t v) {
    return (std::uint64_t(v) << 1) ^ std::uint64_t(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
    return std::int64_t(v >> 1) ^ -std::int64_t(v & 1);
}

// Range of each operand letter; `p` gives the pool sizes, `row` the
// opcode's flag names.
bool operand_ok(char kind, std::uint64_t v, const opcode_info& row, const program& p, std::size_t code_size) {
    switch (kind) {
        case 'j':
            return v <= code_size;
        case 's':
            return v < p.strings.size();
        case 'l':
            return v < p.lists.size();
        case 'n':
            return true;
        case 'b':
            return v <= 1;
        // Ids an extension defines are checked against the registry's
        // tables when the program is linked (link_matchers).
        case 'c':
        case 'p':
            return v < 256;
        case 'm':
            return v < 0x10000 && (v >> 8) < std::size_t(relation::count_);
        case 'v':
            return v < p.variables.size();
        case 'f':
            return flags_valid(row.flags, v);
    }
    return false;
}

}  // namespace

need program::needs() const {
    need most = need::none;
    for (const auto& ins : code) most = std::max(most, info(ins.op).needs);
    return most;
}

std::string serialize(const program& p) {
    writer w;
    w.raw(bytecode_magic);
    w.u32(bytecode_version);
    w.varint(p.capabilities.size());
    for (const auto& c : p.capabilities) w.string(c);
    w.varint(p.strings.size());
    for (std::size_t i = 0; i < p.strings.size(); ++i) {
        w.varint(i < p.is_template.size() ? p.is_template[i] : 0);
        w.string(p.strings[i]);
    }
    w.varint(p.variables.size());
    for (const auto& v : p.variables) w.string(v);
    w.varint(p.lists.size());
    for (std::size_t l = 0; l < p.lists.size(); ++l) {
        w.varint(p.lists[l].size());
        for (auto i : p.lists[l]) w.varint(i);
    }
    w.varint(p.code.size());
    for (std::size_t i = 0; i < p.code.size(); ++i) {
        const auto& ins = p.code[i];
        w.raw(std::string_view(reinterpret_cast<const char*>(&ins.op), 1));
        auto kinds = info(ins.op).operands;
        for (std::size_t k = 0; k < kinds.size(); ++k) {
            auto v = ins.arg[k];
            if (kinds[k] == 'j') v = zigzag(std::int64_t(v) - std::int64_t(i + 1));
            w.varint(v);
        }
    }
    // Line table as runs: consecutive instructions of one line share a run.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> runs;
    for (auto line : p.lines) {
        if (!runs.empty() && runs.back().second == line)
            ++runs.back().first;
        else
            runs.emplace_back(1, line);
    }
    w.varint(runs.size());
    for (auto [n, line] : runs) {
        w.varint(n);
        w.varint(line);
    }
    return w.take();
}

bool verify(const program& p, std::string& error) {
    if (!p.is_template.empty() && p.is_template.size() != p.strings.size()) {
        error = "template flags do not cover the string pool";
        return false;
    }
    for (std::size_t l = 0; l < p.lists.size(); ++l)
        for (auto i : p.lists[l])
            if (i >= p.strings.size()) {
                error = "string list " + std::to_string(l) + " refers to missing string " + std::to_string(i);
                return false;
            }
    for (std::size_t i = 0; i < p.code.size(); ++i) {
        const auto& ins = p.code[i];
        if (!known_opcode(static_cast<std::size_t>(ins.op))) {
            error = "instruction " + std::to_string(i) + ": unknown opcode";
            return false;
        }
        auto kinds = info(ins.op).operands;
        for (std::size_t k = 0; k < kinds.size(); ++k)
            if (!operand_ok(kinds[k], ins.arg[k], info(ins.op), p, p.code.size())) {
                error = "instruction " + std::to_string(i) + " (" + std::string(info(ins.op).name) +
                        "): operand " + std::to_string(k + 1) + " out of range";
                return false;
            }
    }
    if (p.lines.size() != p.code.size()) {
        error = "line table covers " + std::to_string(p.lines.size()) + " of " +
                std::to_string(p.code.size()) + " instructions";
        return false;
    }
    return true;
}

bool deserialize(std::string_view bytes, program& out, std::string& error) {
    program p;
    try {
        reader r(bytes);
        if (r.raw(std::min(bytes.size(), bytecode_magic.size()), "magic") != bytecode_magic)
            r.fail("not a Sift bytecode file (bad magic)");
        auto version = r.u32("version");
        // docs/BYTECODE.md "Versions": one version is read, no other;
        // the frontend recompiles from source.
        if (version != bytecode_version)
            throw format_error("unsupported bytecode version " + std::to_string(version) + ", made by " +
                               (version > bytecode_version ? "a newer" : "an older") +
                               " Sift (this one reads version " + std::to_string(bytecode_version) +
                               "): compile the script again from source");
        p.capabilities.resize(r.count("capabilities"));
        for (auto& c : p.capabilities) c = r.string("capability");
        p.strings.resize(r.count("string pool"));
        p.is_template.resize(p.strings.size());
        for (std::size_t i = 0; i < p.strings.size(); ++i) {
            auto flag = r.varint("string flag");
            if (flag > 1) r.fail("bad string flag");
            p.is_template[i] = std::uint8_t(flag);
            p.strings[i] = r.string("string");
        }
        p.variables.resize(r.count("variables"));
        for (auto& v : p.variables) v = r.string("variable name");
        p.lists = {};
        std::vector<std::uint32_t> list;
        for (auto n = r.count("list pool"); n > 0; --n) {
            list.resize(r.count("string list"));
            for (auto& i : list) {
                auto v = r.varint("string list");
                if (v >= p.strings.size()) r.fail("string list refers to missing string");
                i = static_cast<std::uint32_t>(v);
            }
            p.lists.add(list.begin(), list.end());
        }
        p.code.resize(r.count("code"));
        for (std::size_t i = 0; i < p.code.size(); ++i) {
            auto op = static_cast<unsigned char>(r.raw(1, "opcode")[0]);
            if (!known_opcode(op)) r.fail("unknown opcode " + std::to_string(op));
            auto& ins = p.code[i];
            ins.op = static_cast<opcode>(op);
            auto kinds = info(ins.op).operands;
            for (std::size_t k = 0; k < kinds.size(); ++k) {
                auto v = r.varint("operand");
                if (kinds[k] == 'j') {
                    auto target = std::int64_t(i + 1) + unzigzag(v);
                    if (target < 0 || std::uint64_t(target) > p.code.size()) r.fail("jump out of code");
                    v = std::uint64_t(target);
                }
                ins.arg[k] = v;
            }
        }
        auto runs = r.count("line table");
        for (std::size_t k = 0; k < runs; ++k) {
            auto n = r.varint("line table");
            auto line = r.varint("line table");
            if (n > p.code.size() - p.lines.size() || line > UINT32_MAX) r.fail("line table overruns code");
            p.lines.insert(p.lines.end(), n, static_cast<std::uint32_t>(line));
        }
        if (r.left() != 0) r.fail("trailing bytes after line table");
    } catch (const format_error& e) {
        error = e.what();
        return false;
    }
    if (!verify(p, error)) return false;
    p.link();
    out = std::move(p);
    return true;
}

}  // namespace sift::vm
