// The library's own way into the public objects: the message model behind a
// sift::message and the program behind a sift::script, for the engine, the
// CLI's internals and the tests. Not installed: the public headers show
// neither.
#pragma once

#include <sift/message.hpp>
#include <sift/script.hpp>

namespace sift {

struct internal {
    static mail::message& model(message& m) { return *m.impl_; }
    static const mail::message& model(const message& m) { return *m.impl_; }
    // nullptr when the script did not compile.
    static const vm::program* program(const script& s) { return s.program_.get(); }
};

}  // namespace sift
