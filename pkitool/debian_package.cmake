# The .deb (issue #15), made by CPack's DEB generator rather than a debian/ directory: the install
# rules below are the one list of what ships, and dpkg-buildpackage would need its own copy of them
# (debian/*.install) plus a second build. `cpack -G DEB` in the build directory writes
# pkitool_VERSION_ARCH.deb; tests/cli/package_test.cpp installs it into a temporary root.
include(GNUInstallDirs)

install(TARGETS pkitool RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PKITOOL_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 FILES_MATCHING PATTERN "*.1.gz")
install(FILES ${PKITOOL_COMPLETION_DIR}/pkitool DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${PKITOOL_COMPLETION_DIR}/_pkitool DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PKITOOL_COMPLETION_DIR}/pkitool.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
file(GLOB PKITOOL_UNITS ${CMAKE_CURRENT_SOURCE_DIR}/systemd/pkitool-*)
install(FILES ${PKITOOL_UNITS} DESTINATION lib/systemd/system)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/systemd/pkitool.sysusers DESTINATION lib/sysusers.d RENAME pkitool.conf)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pkitool)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "private CA, certificate lint and IAM Roles Anywhere credentials")
# The extended description (the summary above is its first line); one string, not a CMake list.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "pkitool runs a private PKI (root and intermediate CAs, issuance with profiles, an inventory in
SQLite or PostgreSQL, CRLs, renewal), lints certificates against the IAM Roles Anywhere rules, and
exchanges them for temporary AWS credentials in place of aws_signing_helper, which it provides as
an alternative. It also emulates Roles Anywhere, IAM and STS locally, to rehearse a set-up offline.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "pkitool developers <pkitool@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
# Depends: what the binary links, as dpkg-shlibdeps reads it from the ELF file.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/debian/postinst ${CMAKE_CURRENT_SOURCE_DIR}/debian/prerm ${CMAKE_CURRENT_SOURCE_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# Recommends: the libraries pkitool loads with dlopen when a feature needs them (libcurl for the
# exchange, libpq for PostgreSQL, the TSS2 libraries for TPM keys), which dpkg-shlibdeps cannot
# see; read off the built binary when cpack runs (debian/recommends.cmake).
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/debian/recommends.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/recommends.cmake.in @ONLY)
file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/recommends.cmake INPUT ${CMAKE_CURRENT_BINARY_DIR}/recommends.cmake.in)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_BINARY_DIR}/recommends.cmake)
# cpack packages the build as it is: build first (README), and a cpack run (the package test,
# during ctest) never rebuilds the tree under running tests.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON CACHE BOOL "cpack and install package the tree as built, without building it")
include(CPack)
