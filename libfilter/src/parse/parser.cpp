// sift::parse::parse(): runs the X3 grammar (commands.hpp) over the script,
// which builds the tree of ast.hpp directly, positions included, and turns
// any failure into one diagnostic.
#include "parse/parser.hpp"

#include "parse/commands.hpp"
#include "parse/config.hpp"
#include "parse/error_handler.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace sift::parse {
namespace {

diagnostic whole_script_error(std::string const& file, std::string message) {
    return diagnostic{file, 0, 0, severity::error, std::move(message), {}};
}

// Runs the grammar; returns its syntax errors in source order: those it
// recovered from (recovery.hpp) and the one that ended it, if any.
std::vector<diagnostic> run_grammar(std::string_view source, std::string const& file,
                                    compile_limits const& limits, ast::block& commands) {
    error_handler<iterator_type> const errors(source, file);
    parse_state state{source.begin(), line_cursor(source), 0, limits.max_nesting, {}, limits.max_errors};
    std::optional<diagnostic> last_error;
    iterator_type first = source.begin();
    try {
        bool const ok = x3::parse(first, source.end(), x3::with<parse_state_tag>(state)[script], commands);
        // script ends in an expectation of the end of input, so a quiet
        // failure would be a grammar bug; report it rather than assert.
        if (!ok || first != source.end())
            last_error = errors.at(first, "syntax error: could not parse the script here");
    } catch (x3::expectation_failure<iterator_type> const& failure) {
        last_error = errors.expected(failure.where(), failure.which());
    } catch (lexical_error<iterator_type> const& failure) {
        last_error = errors.at(failure.where, failure.what());
    }
    // A token that broke one command and then ends the parse ("keep }":
    // no ';', then a '}' without its '{') is reported once.
    std::vector<diagnostic> out;
    auto add = [&](diagnostic d) {
        if (out.empty() || out.back().line != d.line || out.back().column != d.column)
            out.push_back(std::move(d));
    };
    for (const auto& e : state.errors)
        add(e.expected ? errors.expected(e.where, e.what) : errors.at(e.where, e.what));
    if (last_error) add(std::move(*last_error));
    return out;
}

}  // namespace

parse_result parse(std::string_view source, const std::string& file, const compile_limits& limits) {
    parse_result result;
    // Offsets are 32-bit in the tree; the byte limit is checked first so
    // that a hostile script costs nothing to reject.
    std::size_t const max_bytes =
        std::min<std::size_t>(limits.max_script_bytes, std::numeric_limits<std::uint32_t>::max());
    if (source.size() > max_bytes) {
        result.errors.push_back(
            whole_script_error(file, "script too large: " + std::to_string(source.size()) + " bytes (limit " +
                                         std::to_string(max_bytes) + ")"));
        return result;
    }
    try {
        // The tree's lists and text are allocated in its own arena
        // (node_allocator.hpp), sized for a typical tree of a script this
        // long. The grammar reads a copy of the script made there, so the
        // tree's strings can view it and the tree outlives `source`.
        result.script.storage =
            ast::arena(std::min<std::size_t>(1024 + 32 * source.size(), 1 << 16) + source.size());
        ast::arena::scope in_arena(result.script.storage);
        std::string_view const text = result.script.storage.copy(source);
        result.errors = run_grammar(text, file, limits, result.script.commands);
        if (!result.errors.empty()) {
            result.script.commands.clear();
            return result;
        }
    } catch (std::exception const& e) {
        // Only resource exhaustion (bad_alloc) is expected here; the caller
        // was promised diagnostics, never exceptions.
        result.script.commands.clear();
        result.errors.push_back(whole_script_error(file, std::string("parser failure: ") + e.what()));
    }
    return result;
}

}  // namespace sift::parse
