# What `cmake --install build --prefix P` puts under P (and the Debian package under /usr):
#   bin/meshverify, bin/kubectl-meshverify (-> meshverify: `kubectl meshverify ...`),
#   bin/kubectl_complete-meshverify (kubectl 1.26+ runs it to complete `kubectl meshverify`),
#   share/meshverify/*.schema.json, share/man/man1/meshverify.1.gz (+ kubectl-meshverify.1.gz),
#   share/bash-completion/completions/meshverify (+ kubectl-meshverify), share/doc/meshverify/.
# The man page and the completion are generated from the built binary's own help texts every
# time it links (cmake/help_docs.py asks `meshverify --help` and each `COMMAND --help`), so
# they cannot drift from it. Included from the top-level CMakeLists.txt.
include(GNUInstallDirs)

set(MESHVERIFY_SUMMARY
    "verify connectivity and traffic distribution in an Istio multicluster mesh")
# Wrapped for the package's Description: (one line in the man page).
set(MESHVERIFY_DESCRIPTION
    "meshverify sends many requests from the client pods of every cluster to a
service, reads what each sidecar believes its endpoints are, joins the two, and
says, with statistics, hints, JSON, JUnit, Markdown and HTML reports and an exit
code, whether traffic crosses clusters and is balanced as the endpoints say it
should be: an acceptance check after an install and a CI gate.")
string(REPLACE "\n" " " _description_line "${MESHVERIFY_DESCRIPTION}")

file(GLOB MESHVERIFY_SCHEMAS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/reports/*.schema.json)
set(_docs ${PROJECT_BINARY_DIR}/docs)

# The kubectl plugin is the same binary under kubectl's plugin name; kubectl passes it every
# argument after `kubectl meshverify`, so --context, --kubeconfig and -n work as they do today.
add_custom_command(TARGET meshverify POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E create_symlink meshverify
          $<TARGET_FILE_DIR:meshverify>/kubectl-meshverify
  VERBATIM)

find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND AND NOT CMAKE_CROSSCOMPILING)
  set(_schema_args)
  foreach(s ${MESHVERIFY_SCHEMAS})
    get_filename_component(name ${s} NAME)
    list(APPEND _schema_args --schema ${name})
  endforeach()
  add_custom_command(TARGET meshverify POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_docs}/completions
    COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/cmake/help_docs.py
            --binary $<TARGET_FILE:meshverify> --man ${_docs}/meshverify.1
            --completion ${_docs}/completions/meshverify
            --kubectl-completion $<TARGET_FILE_DIR:meshverify>/kubectl_complete-meshverify
            --summary ${MESHVERIFY_SUMMARY} --description ${_description_line}
            ${_schema_args}
    COMMAND ${CMAKE_COMMAND} -E create_symlink meshverify.1.gz ${_docs}/kubectl-meshverify.1.gz
    # bash-completion loads completions/<command> on first use: one name per command.
    COMMAND ${CMAKE_COMMAND} -E create_symlink meshverify ${_docs}/completions/kubectl-meshverify
    COMMENT "Writing meshverify.1 and the bash completion from meshverify's help texts"
    VERBATIM)
  # A change to the generator relinks meshverify, which runs it again.
  set_property(TARGET meshverify APPEND PROPERTY LINK_DEPENDS
               ${PROJECT_SOURCE_DIR}/cmake/help_docs.py)
  set(MESHVERIFY_DOCS ON)
else()
  message(WARNING "meshverify: no python3 (or cross-compiling): no man page or bash completion "
                  "will be generated or installed")
  set(MESHVERIFY_DOCS OFF)
endif()

install(TARGETS meshverify RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS $<TARGET_FILE_DIR:meshverify>/kubectl-meshverify
           DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${MESHVERIFY_SCHEMAS} DESTINATION ${CMAKE_INSTALL_DATADIR}/meshverify)
if(MESHVERIFY_DOCS)
  install(PROGRAMS $<TARGET_FILE_DIR:meshverify>/kubectl_complete-meshverify
          DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${_docs}/meshverify.1.gz ${_docs}/kubectl-meshverify.1.gz
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${_docs}/completions/meshverify ${_docs}/completions/kubectl-meshverify
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ci DESTINATION ${CMAKE_INSTALL_DOCDIR}
        OPTIONAL)
