// A stand-in for the libmilter calls sift-milter's callbacks make, so the
// callbacks (milter/callbacks.cpp) run in a test or a fuzzer without an
// MTA: the context keeps the private pointer and the macros, counts the
// calls, and can make every call fail (as libmilter does when the MTA
// went away).
#pragma once

#include <libmilter/mfapi.h>

#include <map>
#include <string>

struct smfi_str {
    void* priv = nullptr;
    std::map<std::string, std::string> macros;
    bool calls_fail = false;  // every smfi_* call returns MI_FAILURE
    unsigned calls = 0;
    std::string last_reply;  // "code enhanced text" of the last smfi_setreply
};
