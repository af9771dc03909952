#include "envelope_defaults.hpp"

#include <sift/address.hpp>

namespace sift::cli {

envelope envelope_for(const message& msg, const std::optional<std::string>& from,
                      const std::optional<std::string>& to) {
    envelope env;
    env.to = to.value_or(default_to);
    if (from) {
        env.from = *from;
        return env;
    }
    env.from = default_from;
    if (auto value = msg.unfolded_header("return-path")) {
        auto path = parse_path(*value);
        env.from = path ? path->all() : std::string();  // Return-Path: <> is the null sender
    }
    return env;
}

}  // namespace sift::cli
