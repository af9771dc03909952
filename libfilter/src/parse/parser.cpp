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
    return diagnostic{.file = file, .message = std::move(message)};
}

// Runs the grammar; returns its syntax errors in source order: those it
// recovered from (recovery.hpp) and the one that ended it, if any.
std::vector<diagnostic> run_grammar(std::string_view source, std::string const& file,
                                    compile_limits const& limits, ast::block& commands) {
    error_handler<iterator_type> const errors(source, file);
    parse_state state{source.begin(), line_cursor(source), 0, limits.max_nesting, {}, limits.max_errors};
    std::optional<syntax_error> last;  // the failure that ended the parse, if any
    iterator_type first = source.begin();
    try {
        bool const ok = x3::parse(first, source.end(), x3::with<parse_state_tag>(state)[script], commands);
        // script ends in an expectation of the end of input, so a quiet
        // failure would be a grammar bug; report it rather than assert.
        if (!ok || first != source.end())
            last = syntax_error{first, "syntax error: could not parse the script here"};
    } catch (unclosed_failure<iterator_type> const& failure) {
        last = syntax_error{failure.where(), failure.which(), true, failure.opened};
    } catch (x3::expectation_failure<iterator_type> const& failure) {
        last = syntax_error{failure.where(), failure.which(), true};
    } catch (lexical_error<iterator_type> const& failure) {
        last = syntax_error{failure.where, failure.what()};
    }
    if (last) state.errors.push_back(std::move(*last));
    // A token that broke one command and then ends the parse ("keep }":
    // no ';', then a '}' without its '{') is reported once: errors are
    // told apart by the token they found.
    std::vector<diagnostic> out;
    iterator_type previous{};
    for (const auto& e : state.errors) {
        iterator_type const token = e.expected ? errors.token_at(e.where) : e.where;
        if (!out.empty() && token == previous) continue;
        previous = token;
        out.push_back(e.expected ? errors.expected(e.where, e.what, e.opened) : errors.at(e.where, e.what));
    }
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
