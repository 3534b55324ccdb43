# gen_host_nr.cmake — turns the host's <asm/unistd_64.h> into a list of
# { __NR_name, "name" } entries for test_table.c.  The entries use the macros,
# not the numbers, so the compiler reads the values from the header itself.
#   cmake -DHEADER=... -DOUT=... -P gen_host_nr.cmake
file(STRINGS "${HEADER}" lines REGEX "^#define __NR_[a-z0-9_]+[ \t]+[0-9]+")
set(body "/* Generated from ${HEADER} by gen_host_nr.cmake. */\n")
set(count 0)
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^#define __NR_([a-z0-9_]+).*" "\\1" name "${line}")
  string(APPEND body "{ __NR_${name}, \"${name}\" },\n")
  math(EXPR count "${count} + 1")
endforeach()
if(count LESS 300)
  message(FATAL_ERROR "only ${count} __NR_ macros in ${HEADER}")
endif()
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
