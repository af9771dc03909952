# The state store layer (vacation, duplicate): LMDB and hiredis, found with
# pkg-config (Debian: liblmdb-dev, libhiredis-dev). Included from
# libfilter/CMakeLists.txt once sift_shared and sift_static exist: linking the
# object library adds its objects to both and carries its link dependencies
# to whoever links them.
pkg_check_modules(SIFT_STORE_DEPS REQUIRED IMPORTED_TARGET lmdb hiredis)
sift_layer(sift_store DIRS store DEPS PkgConfig::SIFT_STORE_DEPS)
target_link_libraries(sift_shared PRIVATE sift_store)
target_link_libraries(sift_static PRIVATE sift_store)
