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
void register_comparator_ascii_numeric(validate::registry& r);    // ext/comparator_ascii_numeric
void register_comparator_unicode_casemap(validate::registry& r);  // ext/comparator_unicode_casemap
void register_relational(validate::registry& r);        // ext/relational
void register_regex(validate::registry& r);             // ext/regex
void register_subaddress(validate::registry& r);        // ext/subaddress
void register_copy(validate::registry& r);              // ext/copy (after fileinto: adds :copy to it)
void register_reject(validate::registry& r);            // ext/reject: reject and ereject
void register_imap4flags(validate::registry& r);        // ext/imap4flags (adds :flags to keep, fileinto)
void register_ihave(validate::registry& r);             // ext/ihave: ihave and error
void register_environment(validate::registry& r);       // ext/environment
void register_body(validate::registry& r);              // ext/body (RFC 5173)
void register_foreverypart(validate::registry& r);      // ext/foreverypart: foreverypart and break
void register_mime(validate::registry& r);              // ext/mime (adds :mime to header, address, exists)
void register_extracttext(validate::registry& r);       // ext/extracttext (after variables: its modifiers)
void register_date(validate::registry& r);              // ext/date: date and currentdate

inline void register_all(validate::registry& r) {
    register_core(r);
    register_fileinto(r);
    register_envelope(r);
    register_encoded_character(r);
    register_variables(r);
    register_comparator_ascii_numeric(r);
    register_comparator_unicode_casemap(r);
    register_relational(r);
    register_regex(r);
    register_subaddress(r);
    register_copy(r);
    register_reject(r);
    register_imap4flags(r);
    register_ihave(r);
    register_environment(r);
    register_body(r);
    register_foreverypart(r);
    register_mime(r);
    register_extracttext(r);
    register_date(r);
}

}  // namespace sift::ext
