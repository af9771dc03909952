// sift::parse::parse(): runs the X3 grammar (commands.hpp) over the script,
// turns any failure into one diagnostic, and converts the X3-shaped tree to
// the contract tree of ast.hpp with line/column positions.
#include "parse/parser.hpp"

#include "parse/commands.hpp"
#include "parse/config.hpp"
#include "parse/error_handler.hpp"
#include "parse/x3_ast.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

namespace sift::parse {
namespace {

// Offsets to line/column. Lines start after each LF, as in sift::locate();
// a table and a binary search keep a large script linear to convert.
class position_map {
public:
    explicit position_map(std::string_view source) {
        line_starts_.push_back(0);
        for (std::size_t i = 0; i < source.size(); ++i)
            if (source[i] == '\n') line_starts_.push_back(static_cast<std::uint32_t>(i + 1));
    }

    ast::position at(std::uint32_t offset) const {
        auto next = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
        auto line = static_cast<unsigned>(next - line_starts_.begin());
        return {line, offset - *std::prev(next) + 1, offset};
    }

private:
    std::vector<std::uint32_t> line_starts_;
};

// Moves the X3 tree into the contract tree. Recursion is bounded by the
// nesting limit the grammar already enforced.
class converter {
public:
    explicit converter(position_map const& positions) : positions_(positions) {}

    ast::block block(std::vector<x3_ast::command>& commands) const {
        ast::block out;
        out.reserve(commands.size());
        for (auto& c : commands) out.push_back(command(c));
        return out;
    }

private:
    ast::command command(x3_ast::command& in) const {
        ast::command out;
        out.pos = positions_.at(in.offset);
        out.name = std::move(in.name);
        arguments(in.args, out.args, out.tests, out.test_list);
        if (auto* body = boost::get<x3_ast::block>(&in.end.get())) {
            out.has_block = true;
            out.body = block(body->commands);
            out.end = positions_.at(body->close.offset);
        } else {
            out.end = positions_.at(boost::get<x3_ast::mark>(in.end.get()).offset);
        }
        return out;
    }

    ast::test test(x3_ast::test& in) const {
        ast::test out;
        out.pos = positions_.at(in.offset);
        out.name = std::move(in.name);
        arguments(in.args, out.args, out.tests, out.test_list);
        return out;
    }

    void arguments(x3_ast::arguments& in, std::vector<ast::argument>& args, std::vector<ast::test>& tests,
                   bool& test_list) const {
        args.reserve(in.args.size());
        for (auto& a : in.args) args.push_back(boost::apply_visitor(argument_visitor{*this}, a.get()));
        if (!in.tests) return;
        if (auto* list = boost::get<x3_ast::test_list>(&in.tests->get())) {
            test_list = true;
            for (auto& t : list->items) tests.push_back(test(t));
        } else {
            tests.push_back(test(boost::get<x3::forward_ast<x3_ast::test>>(in.tests->get()).get()));
        }
    }

    ast::string_lit string(x3_ast::string_lit& in) const {
        return {positions_.at(in.offset), std::move(in.value), in.multiline};
    }

    struct argument_visitor {
        using result_type = ast::argument;
        converter const& self;

        ast::argument operator()(x3_ast::string_array& in) const {
            ast::string_list out{self.positions_.at(in.open.offset), {}, true};
            for (auto& s : in.items) out.items.push_back(self.string(s));
            return out;
        }
        ast::argument operator()(x3_ast::string_lit& in) const {
            auto item = self.string(in);
            ast::position pos = item.pos;
            return ast::string_list{pos, {std::move(item)}, false};
        }
        ast::argument operator()(x3_ast::number& in) const {
            return ast::number{self.positions_.at(in.offset), in.value};
        }
        ast::argument operator()(x3_ast::tag& in) const {
            return ast::tag{self.positions_.at(in.offset), std::move(in.name)};
        }
    };

    position_map const& positions_;
};

diagnostic whole_script_error(std::string const& file, std::string message) {
    return diagnostic{file, 0, 0, severity::error, std::move(message), {}};
}

// Runs the grammar; returns the first error, if any.
std::optional<diagnostic> run_grammar(std::string_view source, std::string const& file,
                                      compile_limits const& limits, std::vector<x3_ast::command>& commands) {
    error_handler<iterator_type> errors(source, file);
    parse_state state{source.begin(), 0, limits.max_nesting};
    iterator_type first = source.begin();
    try {
        bool const ok = x3::phrase_parse(first, source.end(), x3::with<parse_state_tag>(state)[script],
                                         skipper{}, commands);
        // script ends in an expectation of the end of input, so a quiet
        // failure would be a grammar bug; report it rather than assert.
        if (!ok || first != source.end())
            return errors.at(first, "syntax error: could not parse the script here");
    } catch (x3::expectation_failure<iterator_type> const& failure) {
        return errors.expected(failure.where(), failure.which(), skipper{});
    } catch (lexical_error<iterator_type> const& failure) {
        return errors.at(failure.where, failure.what());
    }
    return std::nullopt;
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
        std::vector<x3_ast::command> commands;
        if (auto error = run_grammar(source, file, limits, commands)) {
            result.errors.push_back(std::move(*error));
            return result;
        }
        position_map const positions(source);
        result.script.commands = converter(positions).block(commands);
    } catch (std::exception const& e) {
        // Only resource exhaustion (bad_alloc) is expected here; the caller
        // was promised diagnostics, never exceptions.
        result.script = {};
        result.errors.push_back(whole_script_error(file, std::string("parser failure: ") + e.what()));
    }
    return result;
}

}  // namespace sift::parse
