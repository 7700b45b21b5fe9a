# The allocator of the meshverify executable (only the executable: libraries and tests keep
# the system one). In direct mode libcurl makes ~20 small allocations and ~35 frees per request
# (URL parts, header lines, the request buffer); glibc's malloc and free took ~7.6k of its
# ~57.6k instructions per request (callgrind, closed loop, 16 connections), mimalloc (Debian's
# libmimalloc-dev) takes the total to ~50.0k. Linked dynamically, it replaces malloc for libcurl
# and every other library of the process. Not with the sanitizers (they bring their own).
option(MESHVERIFY_MIMALLOC "Link the meshverify executable with mimalloc when it is installed" ON)
set(MESHVERIFY_ALLOCATOR "system malloc")
if(MESHVERIFY_MIMALLOC AND NOT MESHVERIFY_SANITIZE AND NOT MESHVERIFY_TSAN AND NOT MESHVERIFY_FUZZ)
  find_package(mimalloc 2 CONFIG QUIET)
  if(mimalloc_FOUND)
    target_link_libraries(meshverify PRIVATE mimalloc)
    set(MESHVERIFY_ALLOCATOR "mimalloc ${mimalloc_VERSION}")
  else()
    message(STATUS "meshverify: mimalloc not found (libmimalloc-dev, scripts/deps.sh): system malloc")
  endif()
endif()
message(STATUS "meshverify: allocator ${MESHVERIFY_ALLOCATOR}")
