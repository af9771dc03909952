// The state store's interface is public (hosts open a store and hand it to
// the engine through sift::host::state): it lives in <sift/store.hpp>. This
// header remains for the library's own code; the backends are in
// backends.hpp.
#pragma once

#include <sift/store.hpp>
