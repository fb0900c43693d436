# cmake -DPKITOOL=BIN -DMAN_DIR=DIR -DCOMPLETION_DIR=DIR -P shipped_files.cmake: the completion
# scripts `pkitool completion SHELL` prints, and each man page compressed as Debian policy 12.1 asks
# (gzip -9n: no name or time stamp inside, so a rebuild gives the same bytes).
set(ENV{ASAN_OPTIONS} detect_leaks=0)  # a sanitizer build's leak report must not fail the build
file(MAKE_DIRECTORY ${COMPLETION_DIR})
foreach(shell_file IN ITEMS "bash;pkitool" "zsh;_pkitool" "fish;pkitool.fish")
  list(GET shell_file 0 shell)
  list(GET shell_file 1 name)
  execute_process(COMMAND ${PKITOOL} completion ${shell} OUTPUT_FILE ${COMPLETION_DIR}/${name}.tmp COMMAND_ERROR_IS_FATAL ANY)
  file(RENAME ${COMPLETION_DIR}/${name}.tmp ${COMPLETION_DIR}/${name})
endforeach()
file(GLOB pages ${MAN_DIR}/*.1)
foreach(page IN LISTS pages)
  execute_process(COMMAND gzip -9n -c ${page} OUTPUT_FILE ${page}.gz.tmp COMMAND_ERROR_IS_FATAL ANY)
  file(RENAME ${page}.gz.tmp ${page}.gz)
endforeach()
