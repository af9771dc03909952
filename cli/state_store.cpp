#include "state_store.hpp"

#include "commands.hpp"

#include <sift/site.hpp>

#include <stdexcept>

namespace sift::cli {

store::store_config store_spec(const std::optional<std::string>& spec) {
    try {
        return parse_store(spec.value_or("memory"));
    } catch (const std::invalid_argument& e) {
        throw usage_error(std::string("--store ") + e.what());
    }
}

}  // namespace sift::cli
