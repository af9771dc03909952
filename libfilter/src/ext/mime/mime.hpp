// RFC 5703 §4: the :mime forms of header, address and exists. The core
// tests hand a binding carrying :mime to emit_mime_test.
#pragma once

namespace sift::compile {
class emitter;
}
namespace sift::validate {
struct binding;
}

namespace sift::ext {

void emit_mime_test(compile::emitter& e, const validate::binding& b);

}  // namespace sift::ext
