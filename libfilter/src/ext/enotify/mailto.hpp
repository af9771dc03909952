// RFC 6068 mailto URIs as RFC 5436 uses them for notifications.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sift::ext {

struct mailto_recipient {
    std::string address;  // addr-spec, for the envelope
    std::string header;   // as written (a display name may come with it)
};

struct mailto_uri {
    std::vector<mailto_recipient> to;  // the path and "to" fields, decoded
    std::vector<mailto_recipient> cc;
    std::optional<std::string> subject, body;
    // Other header fields, decoded; RFC 5436 §2.3's restricted ones (and
    // bcc, which would copy the owner's mail silently) are left out.
    std::vector<std::pair<std::string, std::string>> headers;
};

struct uri_error {
    std::size_t offset = 0;  // in the URI
    std::string message;
};

// Parses "mailto:..." (the scheme compared caselessly); on failure `error`
// says what and where.
std::optional<mailto_uri> parse_mailto(std::string_view uri, uri_error& error);

// RFC 5322 addr-spec (local@domain), as mailto recipients and :from must be.
bool valid_addr_spec(std::string_view address);

// RFC 5435 §6 :encodeurl: percent-encodes every octet but RFC 3986's
// unreserved characters.
std::string encode_url(std::string_view text);

}  // namespace sift::ext
