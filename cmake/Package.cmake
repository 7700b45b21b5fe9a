# The Debian package, built by CPack (scripts/package.sh): meshverify_<version>_<arch>.deb with
# the files of cmake/Install.cmake under /usr. Its Depends: line is computed by dpkg-shlibdeps
# from the shared libraries the binary actually links (libcurl, yaml-cpp, RE2, Boost's
# program_options, libstdc++, libc), so it follows the machine it is built on and is never
# written by hand. Included from the top-level CMakeLists.txt after cmake/Install.cmake.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME meshverify)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${MESHVERIFY_SUMMARY}")
set(CPACK_PACKAGE_DESCRIPTION "${MESHVERIFY_DESCRIPTION}")
set(MESHVERIFY_MAINTAINER "meshverify developers" CACHE STRING
    "Maintainer: field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${MESHVERIFY_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # meshverify_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# `check` drives kubectl and istioctl; istioctl is not in Debian, so it is only documented.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "kubernetes-client | kubectl")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
include(CPack)
