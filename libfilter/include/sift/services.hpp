// What the program embedding Sift provides to the extensions that need
// more than the message and its envelope: a state store (vacation,
// duplicate), mailbox information (mailbox, metadata, special-use), list
// lookups (extlists), scripts to include. Every member is optional: an
// extension whose service is missing fails at run time with an error
// saying which service, and the message is kept (RFC 5228 §2.10.6).
//
// Each capability that needs a service adds its member here, with a
// comment naming the capability.
#pragma once

namespace sift {

struct services {
};

}  // namespace sift
