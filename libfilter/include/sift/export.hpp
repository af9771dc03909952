// SIFT_API marks what libsift.so (and libsift-store.so) export. The library
// is compiled with -fvisibility=hidden -fvisibility-inlines-hidden, so a
// function or class of the public headers that lacks it cannot be called
// from outside the shared library: the program fails to link with an
// "undefined reference". Mark
//  - each free function declared in a public header and defined in the
//    library:             SIFT_API std::string format(const diagnostic& d);
//  - each class with member functions defined in the library, virtual
//    functions or that is thrown as an exception:
//                         class SIFT_API script { ... };
// Plain structs with only data members and inline functions need nothing.
// docs/EMBEDDING.md says why this is a macro rather than a version script.
//
// Static linking ignores visibility, so libsift.a needs no other spelling;
// the attribute is the same whether the library is being built or used.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define SIFT_API __attribute__((visibility("default")))
#else
#define SIFT_API
#endif
