# Helpers shared by the test folders.
# /usr/bin/python3 on purpose: the system interpreter (with the Debian packages
# scripts/deps.sh --tests installs), whatever python a developer's PATH prefers.
set(LX_TEST_PYTHON /usr/bin/python3)
find_program(MUSL_GCC musl-gcc REQUIRED)

# The *_arch_prctl variants force the FS path of CPUs without user-space FSGSBASE
# (LXRUN_TRAP_FS=arch_prctl).  On such a host that path is already lxrun's choice, so
# they would repeat the default runs: they are registered where the host has FSGSBASE
# (AT_HWCAP2 bit 1), or when -DLX_TEST_ARCH_PRCTL_VARIANTS=ON asks.  Likewise the VM
# test of that kind of machine (tests/vm) runs where the host is not one already.
execute_process(COMMAND env LD_SHOW_AUXV=1 /bin/true OUTPUT_VARIABLE _auxv)
set(LX_HOST_FSGSBASE OFF)
if(_auxv MATCHES "AT_HWCAP2: *0x([0-9a-fA-F]+)")
  math(EXPR _fsgsbase "0x${CMAKE_MATCH_1} & 2")
  if(_fsgsbase)
    set(LX_HOST_FSGSBASE ON)
  endif()
endif()
if(NOT DEFINED LX_TEST_ARCH_PRCTL_VARIANTS)
  set(LX_TEST_ARCH_PRCTL_VARIANTS ${LX_HOST_FSGSBASE})
endif()
if(NOT LX_TEST_ARCH_PRCTL_VARIANTS)
  message(STATUS "tests: no user-space FSGSBASE here: FS is switched by arch_prctl in every run, "
                 "the *_arch_prctl variants are not registered")
endif()

# lx_musl_static(OUT_VAR NAME SOURCE): an ordinary Linux test program, musl
# static so its start-up syscalls are few and known; its own flags, not lxrun's.
function(lx_musl_static out_var name source)
  set(bin ${CMAKE_CURRENT_BINARY_DIR}/${name})
  add_custom_command(OUTPUT ${bin}
    COMMAND ${MUSL_GCC} -static -std=gnu11 -O2 -Wall -Wextra -o ${bin} ${source}
    DEPENDS ${source}
    COMMENT "musl-gcc -static ${name}"
    VERBATIM)
  add_custom_target(${name}_musl ALL DEPENDS ${bin})
  set(${out_var} ${bin} PARENT_SCOPE)
endfunction()

# lx_python_suite(SUITE SCRIPT LIST_ARGS <args…> RUN_ARGS <args…> [ALSO_ARCH_PRCTL]):
# one ctest test SUITE.<case> per case the script lists (`SCRIPT LIST_ARGS… --list`),
# each run as `SCRIPT RUN_ARGS… CASE`; adding a case to the script is the only edit
# needed.  ALSO_ARCH_PRCTL adds SUITE_arch_prctl.<case>, the same run with
# LXRUN_TRAP_FS=arch_prctl (FS switched as on CPUs without FSGSBASE).
function(lx_python_suite suite script)
  cmake_parse_arguments(S "ALSO_ARCH_PRCTL" "" "LIST_ARGS;RUN_ARGS" ${ARGN})
  execute_process(COMMAND ${LX_TEST_PYTHON} ${script} ${S_LIST_ARGS} --list
                  OUTPUT_VARIABLE cases RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot list the ${suite} cases (${script})")
  endif()
  string(REPLACE "\n" ";" cases "${cases}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${script})
  foreach(c IN LISTS cases)
    add_test(NAME ${suite}.${c} COMMAND ${LX_TEST_PYTHON} ${script} ${S_RUN_ARGS} ${c})
    set_tests_properties(${suite}.${c} PROPERTIES TIMEOUT 30)
    if(S_ALSO_ARCH_PRCTL AND LX_TEST_ARCH_PRCTL_VARIANTS)
      add_test(NAME ${suite}_arch_prctl.${c} COMMAND ${LX_TEST_PYTHON} ${script} ${S_RUN_ARGS} ${c})
      set_tests_properties(${suite}_arch_prctl.${c} PROPERTIES TIMEOUT 30 ENVIRONMENT LXRUN_TRAP_FS=arch_prctl)
    endif()
  endforeach()
endfunction()
