# The state store layer (vacation, duplicate). Included from
# libfilter/CMakeLists.txt.
#
# The interface (sift::store::store: the key and ttl checks every backend
# shares) and the memory backend (open_memory_store: no dependencies, what
# tests and hosts without persistence need) are part of the engine. The LMDB
# and Redis backends and open_store are a layer of their own, built into
# libsift-store, so that a host that brings its own store, or keeps state in
# memory, links neither LMDB nor hiredis (found with pkg-config; Debian:
# liblmdb-dev, libhiredis-dev).
target_sources(sift_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/store.cpp ${CMAKE_CURRENT_LIST_DIR}/memory_store.cpp)

# GLOBAL: the store tests use hiredis and LMDB directly too.
pkg_check_modules(SIFT_STORE_DEPS REQUIRED IMPORTED_TARGET GLOBAL lmdb hiredis)
sift_layer(sift_store_backends
  FILES src/store/backends.cpp src/store/lmdb_store.cpp src/store/redis_store.cpp
  DEPS PkgConfig::SIFT_STORE_DEPS)
