// One line per capability folder: how the standard registry is filled.
#pragma once

namespace sift::validate {
class registry;
}

namespace sift::ext {

void register_core(validate::registry& r);                        // ext/core: RFC 5228 §3-5
void register_fileinto(validate::registry& r);                    // ext/fileinto
void register_envelope(validate::registry& r);                    // ext/envelope
void register_encoded_character(validate::registry& r);           // ext/encoded_character
void register_variables(validate::registry& r);                   // ext/variables
void register_comparator_ascii_numeric(validate::registry& r);    // ext/comparator_ascii_numeric
void register_comparator_unicode_casemap(validate::registry& r);  // ext/comparator_unicode_casemap
void register_relational(validate::registry& r);                  // ext/relational
void register_regex(validate::registry& r);                       // ext/regex
void register_subaddress(validate::registry& r);                  // ext/subaddress
void register_copy(validate::registry& r);          // ext/copy (after fileinto: adds :copy to it)
void register_reject(validate::registry& r);        // ext/reject: reject and ereject
void register_imap4flags(validate::registry& r);    // ext/imap4flags (adds :flags to keep, fileinto)
void register_ihave(validate::registry& r);         // ext/ihave: ihave and error
void register_environment(validate::registry& r);   // ext/environment
void register_body(validate::registry& r);          // ext/body (RFC 5173)
void register_foreverypart(validate::registry& r);  // ext/foreverypart: foreverypart and break
void register_mime(validate::registry& r);          // ext/mime (adds :mime to header, address, exists)
void register_extracttext(validate::registry& r);   // ext/extracttext (after variables: its modifiers)
void register_replace(validate::registry& r);       // ext/replace (RFC 5703 §5)
void register_enclose(validate::registry& r);       // ext/enclose (RFC 5703 §6)
void register_date(validate::registry& r);          // ext/date: date and currentdate
void register_index(validate::registry& r);         // ext/index
void register_editheader(validate::registry& r);    // ext/editheader: addheader, deleteheader
void register_spamtest(validate::registry& r);      // ext/spamtest: spamtest, spamtestplus (RFC 5235)
void register_virustest(validate::registry& r);     // ext/virustest (RFC 5235)
void register_extlists(validate::registry& r);      // ext/extlists (RFC 6134; adds :list to redirect)
void register_enotify(validate::registry& r);   // ext/enotify (RFC 5435/5436; after variables: :encodeurl)
void register_vacation(validate::registry& r);  // ext/vacation (RFC 5230)
void register_vacation_seconds(validate::registry& r);  // ext/vacation_seconds (after vacation: its :seconds)
void register_duplicate(validate::registry& r);         // ext/duplicate (RFC 7352)
void register_include(validate::registry& r);           // ext/include (RFC 6609): include, return, global
void register_mailbox(validate::registry& r);           // ext/mailbox (RFC 5490 §3; after fileinto: :create)
void register_mboxmetadata(validate::registry& r);      // ext/mboxmetadata (RFC 5490 §4.1-4.2)
void register_servermetadata(validate::registry& r);    // ext/servermetadata (RFC 5490 §4.3-4.4)
void register_special_use(validate::registry& r);       // ext/special_use (RFC 8579; after fileinto)
void register_mailboxid(validate::registry& r);         // ext/mailboxid (RFC 9042; after fileinto)
void register_fcc(
    validate::registry& r);  // ext/fcc (RFC 8580; after vacation, enotify, mailbox, special-use)

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
    register_replace(r);
    register_enclose(r);
    register_date(r);
    register_index(r);       // after date: adds :index/:last to header, address, date
    register_editheader(r);  // after index: deleteheader's own :index/:last
    register_spamtest(r);
    register_virustest(r);
    register_extlists(r);
    register_enotify(r);
    register_vacation(r);
    register_vacation_seconds(r);
    register_duplicate(r);
    register_include(r);
    register_mailbox(r);
    register_mboxmetadata(r);
    register_servermetadata(r);
    register_special_use(r);
    register_mailboxid(r);
    register_fcc(r);
}

}  // namespace sift::ext
