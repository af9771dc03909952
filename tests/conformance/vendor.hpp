// Pigeonhole's vendor extensions that the test suite uses besides
// vnd.dovecot.testsuite, as test-only extensions of the conformance
// runner (never in registry::standard()).
#pragma once

#include "validate/registry.hpp"

#include <string>
#include <utility>
#include <vector>

namespace sift::conformance {

// vnd.dovecot.debug and vnd.dovecot.environment.
void register_dovecot_vendor(validate::registry& r);

// The vnd.dovecot.environment items every run has (default-mailbox,
// username), name and value; the host adds vnd.dovecot.config.* from its
// settings.
const std::vector<std::pair<std::string, std::string>>& dovecot_environment();

}  // namespace sift::conformance
