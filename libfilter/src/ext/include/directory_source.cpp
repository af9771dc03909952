// sift::directory_script_source (sift/script_source.hpp): included scripts
// as files "<dir>/<name>.sieve", the layout of Pigeonhole's sieve_dir and
// sieve_global_dir.
#include <sift/script_source.hpp>

#include <fstream>
#include <sstream>

namespace sift {

std::string directory_script_source::display_name(std::string_view name, bool global) const {
    const auto& dir = global ? global_ : personal_;
    return (dir.empty() ? std::string() : dir + "/") + std::string(name) + ".sieve";
}

std::optional<std::string> directory_script_source::load(std::string_view name, bool global) const {
    if ((global ? global_ : personal_).empty()) return std::nullopt;
    std::ifstream in(display_name(name, global), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace sift
