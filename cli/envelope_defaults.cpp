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
    env.from = return_path_sender(msg);
    return env;
}

std::string return_path_sender(const message& msg) {
    std::string scratch;
    auto value = msg.unfolded_header("return-path", scratch);
    if (!value) return default_from;
    auto path = parse_path(*value);
    return path ? path->all() : std::string();  // Return-Path: <> is the null sender
}

}  // namespace sift::cli
