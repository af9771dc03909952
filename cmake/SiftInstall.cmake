# What `cmake --install` puts under the prefix, for programs that embed Sift
# (docs/EMBEDDING.md):
#   include/sift/*.hpp                     the public headers
#   lib/libsift.so.0, libsift.a            the engine
#   lib/libsift-store.so.0, libsift-store.a  the LMDB, Redis and memory stores
#   lib/cmake/Sift/                        find_package(Sift): Sift::sift,
#                                          Sift::sift_static, Sift::sift_store,
#                                          Sift::sift_store_static
#   lib/pkgconfig/sift.pc, sift-store.pc   pkg-config
#   bin/sift                               the command-line tool
# (lib is CMAKE_INSTALL_LIBDIR, include CMAKE_INSTALL_INCLUDEDIR.)
include(CMakePackageConfigHelpers)

set(SIFT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Sift)

install(TARGETS sift_shared sift_static sift_store_shared sift_store_static
  EXPORT SiftTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Every header of the public directory, so that a new one is installed
# without touching this file.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/libfilter/include/sift
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp")
install(TARGETS sift RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The bundled policy (docs/POLICY.md), which `sift run --policy default` finds
# at ../share/sift/policy/default from the installed tool.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/policy/ DESTINATION ${CMAKE_INSTALL_DATADIR}/sift/policy)

install(EXPORT SiftTargets NAMESPACE Sift:: DESTINATION ${SIFT_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/SiftConfig.cmake.in
  ${PROJECT_BINARY_DIR}/SiftConfig.cmake
  INSTALL_DESTINATION ${SIFT_CMAKE_DIR})
# Before 1.0 a minor release may change the API, so only the same minor
# version is compatible (0.1.x satisfies find_package(Sift 0.1)).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/SiftConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/SiftConfig.cmake ${PROJECT_BINARY_DIR}/SiftConfigVersion.cmake
  DESTINATION ${SIFT_CMAKE_DIR})

# The .pc files find the prefix from their own place (${pcfiledir}), so the
# tree works wherever it is installed or copied (cmake --install --prefix,
# DESTDIR).
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  message(FATAL_ERROR "sift.pc: CMAKE_INSTALL_LIBDIR and CMAKE_INSTALL_INCLUDEDIR must be relative to the prefix")
endif()
file(RELATIVE_PATH SIFT_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" SIFT_PC_TO_PREFIX "${SIFT_PC_TO_PREFIX}")
list(JOIN SIFT_EXTENSION_MODULES " " SIFT_PC_EXTENSION_MODULES)
foreach(pc sift sift-store)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
