// The host's defaults (sift/host.hpp) and basic_host.
#include <sift/host.hpp>

namespace sift {

host::time_point host::now() const {
    return std::chrono::system_clock::now();
}

bool host::provides(service s) const {
    switch (s) {
        case service::clock:
            return true;
        case service::state_store:
            return state() != nullptr;
        case service::lists:
            return lists() != nullptr;
        case service::mailboxes:
            return mailboxes() != nullptr;
    }
    return false;
}

std::string_view name(service s) {
    switch (s) {
        case service::clock:
            return "clock";
        case service::state_store:
            return "state_store";
        case service::lists:
            return "lists";
        case service::mailboxes:
            return "mailboxes";
    }
    return "unknown";
}

const host& default_host() {
    static const host none;
    return none;
}

host::time_point basic_host::now() const {
    return frozen_ ? *frozen_ : std::chrono::system_clock::now();
}

std::optional<double> basic_host::score(score_test test) const {
    return score_ ? score_(test) : std::nullopt;
}

void basic_host::log(log_level level, std::string_view message) const {
    if (log_) log_->push_back((level == log_level::error ? "error: " : "warning: ") + std::string(message));
}

}  // namespace sift
