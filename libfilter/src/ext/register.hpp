// One line per capability folder: how the standard registry is filled.
#pragma once

namespace sift::validate {
class registry;
}

namespace sift::ext {

void register_core(validate::registry& r);              // ext/core: RFC 5228 §3-5
void register_fileinto(validate::registry& r);          // ext/fileinto
void register_envelope(validate::registry& r);          // ext/envelope
void register_encoded_character(validate::registry& r); // ext/encoded_character
void register_variables(validate::registry& r);         // ext/variables

inline void register_all(validate::registry& r) {
    register_core(r);
    register_fileinto(r);
    register_envelope(r);
    register_encoded_character(r);
    register_variables(r);
}

}  // namespace sift::ext
