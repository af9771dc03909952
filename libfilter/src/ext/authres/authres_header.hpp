// RFC 8601 §2.2: one Authentication-Results field taken apart.
//
//   authres-header-field = "Authentication-Results:" authres-payload
//   authres-payload  = [CFWS] authserv-id [CFWS authres-version]
//                      ( no-result / 1*resinfo ) [CFWS] CRLF
//   no-result        = [CFWS] ";" [CFWS] "none"
//   resinfo          = [CFWS] ";" methodspec [CFWS reasonspec] [CFWS 1*propspec]
//   methodspec       = [CFWS] method [CFWS] "=" [CFWS] result
//   method           = Keyword [ [CFWS] "/" [CFWS] method-version ]
//   reasonspec       = "reason" [CFWS] "=" [CFWS] value
//   propspec         = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
//
// Parsed the way checkers write it in practice, too: key=value pairs that
// are not ptype.property (Microsoft's "action=", "compauth=") are kept
// under their bare name, and so are the key=value words of a comment
// after a result, where OpenDMARC and Gmail put the DMARC policy:
// "dmarc=fail (p=reject sp=none dis=none) header.from=example.com".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift::ext::authres {

struct property {
    std::string name;   // lower-cased: "header.from", "smtp.mailfrom", "reason", "p", "action"
    std::string value;  // as written, quotes removed
};

struct resinfo {
    std::string method;  // lower-cased, version dropped: "spf", "dkim", "dmarc"
    std::string result;  // lower-cased: "pass", "fail", "none", ...
    std::vector<property> properties;

    // The first property named `name` (lower case), or nullptr.
    const std::string* find(std::string_view name) const;
};

struct header {
    std::string authserv_id;  // as written
    std::vector<resinfo> results;
};

// nullopt when `value` does not even start with an authserv-id; a resinfo
// that breaks off is kept up to where it broke (best effort, as a mail
// client reads it), and what follows its next ';' is read again.
std::optional<header> parse(std::string_view value);

}  // namespace sift::ext::authres
