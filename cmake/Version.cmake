# What `meshverify version` reports besides what the headers say: the git commit (read at
# every build, see build_info.cmake), the build type, and the versions of yaml-cpp and RE2,
# which have no version macro. Included from the top-level CMakeLists.txt after mv_cli.
set(MESHVERIFY_GIT_COMMIT "" CACHE STRING
    "Commit to report in `meshverify version` (default: ask git at build time)")

set(_build_type "${CMAKE_BUILD_TYPE}")
if(NOT _build_type)
  set(_build_type "none")
endif()
if(MESHVERIFY_SANITIZE)
  string(APPEND _build_type ", AddressSanitizer + UBSan")
endif()
if(MESHVERIFY_TSAN)
  string(APPEND _build_type ", ThreadSanitizer")
endif()
if(MESHVERIFY_FUZZ)
  string(APPEND _build_type ", libFuzzer instrumentation")
endif()

# Debian's re2.pc says "Version: 0.0.0": name the library file and, where dpkg knows it, the
# upstream release of the package that ships it (libre2-9 20220601+dfsg-1 -> 20220601).
set(_re2_version "${RE2_VERSION}")
if(_re2_version STREQUAL "" OR _re2_version STREQUAL "0.0.0")
  set(_re2_version "")
  foreach(lib ${RE2_LINK_LIBRARIES})
    if(lib MATCHES "re2")
      get_filename_component(real "${lib}" REALPATH)
      get_filename_component(_re2_version "${real}" NAME)
      find_program(DPKG_QUERY dpkg-query)
      if(DPKG_QUERY)
        execute_process(COMMAND "${DPKG_QUERY}" -S "${real}" OUTPUT_VARIABLE owner
                        RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(rc EQUAL 0 AND owner MATCHES "^([^:, ]+(:[a-z0-9]+)?): ")
          execute_process(COMMAND "${DPKG_QUERY}" -W -f=\${Version} "${CMAKE_MATCH_1}"
                          OUTPUT_VARIABLE deb_version RESULT_VARIABLE rc ERROR_QUIET)
          string(REGEX REPLACE "^[0-9]+:" "" deb_version "${deb_version}")
          string(REGEX REPLACE "[+~-].*$" "" deb_version "${deb_version}")
          if(rc EQUAL 0 AND deb_version)
            set(_re2_version "${deb_version} (${_re2_version})")
          endif()
        endif()
      endif()
      break()
    endif()
  endforeach()
endif()
if(NOT _re2_version)
  set(_re2_version "unknown")
endif()

set(_gen ${PROJECT_BINARY_DIR}/generated)
add_custom_target(meshverify_build_info
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DOUT=${_gen}/meshverify_build_info.h -DCOMMIT=${MESHVERIFY_GIT_COMMIT}
          -DBUILD_TYPE=${_build_type} -DYAML_CPP_VERSION=${yaml-cpp_VERSION}
          -DRE2_VERSION=${_re2_version} -P ${PROJECT_SOURCE_DIR}/cmake/build_info.cmake
  BYPRODUCTS ${_gen}/meshverify_build_info.h
  COMMENT "Reading the git commit for meshverify version"
  VERBATIM)
add_dependencies(mv_cli meshverify_build_info)
target_include_directories(mv_cli PRIVATE ${_gen})
