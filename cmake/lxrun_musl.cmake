# lxrun linked with musl (CMakeLists.txt says why): lxcore's sources and lxrun.c
# compiled again by musl-gcc, each with the options and definitions CMake gives it
# for lxcore, then linked static-pie against musl's libc.a: build/lxrun-musl.
find_program(MUSL_GCC musl-gcc REQUIRED)
find_path(MUSL_LIBDIR rcrt1.o PATHS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/../x86_64-linux-musl
          /usr/lib/x86_64-linux-musl /usr/lib/musl/lib NO_DEFAULT_PATH REQUIRED)

# Headers musl's include directory lacks: the kernel's, libelf's and zlib's (the
# host's, which are libc-neutral).
set(musl_dir ${CMAKE_BINARY_DIR}/musl)
set(musl_include ${musl_dir}/include)
file(MAKE_DIRECTORY ${musl_include})
foreach(h linux asm-generic gelf.h libelf.h zlib.h zconf.h)
  file(CREATE_LINK /usr/include/${h} ${musl_include}/${h} SYMBOLIC)
endforeach()
file(CREATE_LINK /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/asm ${musl_include}/asm SYMBOLIC)

string(TOUPPER "${CMAKE_BUILD_TYPE}" build_type)
separate_arguments(musl_flags UNIX_COMMAND
  "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${build_type}} -std=gnu11 -fPIE -fdata-sections -ffunction-sections -D_GNU_SOURCE -isystem ${musl_include}")
list(APPEND musl_flags -Wall -Wextra -Wno-format-truncation)
if(LXRUN_WERROR)
  list(APPEND musl_flags -Werror)
endif()

get_target_property(lxcore_sources lxcore SOURCES)
set(musl_objs)
foreach(src ${lxcore_sources} lxrun.c redox/host-linux-musl.c redox/host-linux-musl-memcmp.c)
  string(REPLACE "/" "_" name ${src})
  set(obj ${musl_dir}/${name}.o)
  get_source_file_property(opts ${src} COMPILE_OPTIONS)
  get_source_file_property(defs ${src} COMPILE_DEFINITIONS)
  get_source_file_property(extra_deps ${src} OBJECT_DEPENDS)
  set(src_flags)
  if(opts)
    list(APPEND src_flags ${opts})
  endif()
  if(defs)
    foreach(d ${defs})
      list(APPEND src_flags -D${d})
    endforeach()
  endif()
  if(NOT extra_deps)
    set(extra_deps)
  endif()
  add_custom_command(OUTPUT ${obj}
    COMMAND ${MUSL_GCC} ${musl_flags} ${src_flags} -MD -MF ${obj}.d -c ${CMAKE_SOURCE_DIR}/${src} -o ${obj}
    DEPENDS ${CMAKE_SOURCE_DIR}/${src} ${extra_deps}
    DEPFILE ${obj}.d
    COMMENT "musl-gcc ${src}"
    VERBATIM)
  list(APPEND musl_objs ${obj})
endforeach()

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=crtbeginS.o OUTPUT_VARIABLE crtbegin OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=crtendS.o OUTPUT_VARIABLE crtend OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-libgcc-file-name OUTPUT_VARIABLE libgcc OUTPUT_STRIP_TRAILING_WHITESPACE)
# lxrun_musl_link(BIN LAYOUT EXTRA_OBJS DEPENDS COMMENT ...): one link of the musl
# objects (with EXTRA_OBJS) into BIN, code laid out by the LAYOUT options.
function(lxrun_musl_link bin)
  cmake_parse_arguments(L "" "COMMENT" "LAYOUT;EXTRA_OBJS;DEPENDS;EXTRA_ARGS;BYPRODUCTS" ${ARGN})
  add_custom_command(OUTPUT ${bin}
    BYPRODUCTS ${L_BYPRODUCTS}
    COMMAND ${CMAKE_C_COMPILER} -static-pie -nostdlib ${L_LAYOUT} ${L_EXTRA_ARGS} -o ${bin}
            ${MUSL_LIBDIR}/rcrt1.o ${MUSL_LIBDIR}/crti.o ${crtbegin} ${musl_objs} ${L_EXTRA_OBJS} ${LIBELF_A} ${LIBZ_A}
            ${MUSL_LIBDIR}/libc.a ${libgcc} ${MUSL_LIBDIR}/libc.a ${crtend} ${MUSL_LIBDIR}/crtn.o
    DEPENDS ${musl_objs} ${L_EXTRA_OBJS} ${LIBELF_A} ${LIBZ_A} ${L_DEPENDS}
    COMMENT "${L_COMMENT}"
    VERBATIM)
endfunction()

set(LXRUN_MUSL_BIN ${CMAKE_BINARY_DIR}/lxrun-musl)
# The link's map: which input section holds each function (scripts/hot_text.py).
lxrun_musl_link(${LXRUN_MUSL_BIN} LAYOUT ${LXRUN_CODE_LAYOUT} EXTRA_ARGS -Wl,-Map=${LXRUN_MUSL_BIN}.map
  BYPRODUCTS ${LXRUN_MUSL_BIN}.map DEPENDS ${LXRUN_LAYOUT_SCRIPTS} COMMENT "Linking lxrun against musl")
add_custom_target(lxrun_musl ALL DEPENDS ${LXRUN_MUSL_BIN})
add_dependencies(lxrun_musl lxrun_vdso_image)

# A test instrument: the same lxrun with redox/touch_trace.c's hooks (which pages
# of its writable segment a forked child touches first), for tests/trap only.
set(touch_obj ${musl_dir}/redox_touch_trace.c.o)
add_custom_command(OUTPUT ${touch_obj}
  COMMAND ${MUSL_GCC} ${musl_flags} -c ${CMAKE_SOURCE_DIR}/redox/touch_trace.c -o ${touch_obj}
  DEPENDS ${CMAKE_SOURCE_DIR}/redox/touch_trace.c ${CMAKE_SOURCE_DIR}/redox/rx.h
  COMMENT "musl-gcc redox/touch_trace.c"
  VERBATIM)
set(LXRUN_TOUCH_BIN ${CMAKE_BINARY_DIR}/lxrun-touchtrace)
lxrun_musl_link(${LXRUN_TOUCH_BIN} LAYOUT ${LXRUN_CODE_LAYOUT} EXTRA_OBJS ${touch_obj}
  DEPENDS ${LXRUN_LAYOUT_SCRIPTS} COMMENT "Linking lxrun-touchtrace (a test instrument)")
add_custom_target(lxrun_touchtrace ALL DEPENDS ${LXRUN_TOUCH_BIN})
# After lxrun_musl, which compiles the objects both link: two targets whose rules
# make the same outputs may run them at once under make -j (CMake's custom-command
# rule), and one link then read an object the other was still writing (a fresh
# clone's build failed once with rcrt1.o's `main' undefined).
add_dependencies(lxrun_touchtrace lxrun_vdso_image lxrun_musl)

# A test instrument: the same lxrun without cmake/lxrun_hot_text.lds, its code in
# the link's order (design.hot_text_compact_detects: the check must fail it).
set(LXRUN_UNORDERED_BIN ${CMAKE_BINARY_DIR}/lxrun-unordered)
lxrun_musl_link(${LXRUN_UNORDERED_BIN} LAYOUT ${LXRUN_CODE_LAYOUT_UNORDERED}
  DEPENDS ${CMAKE_SOURCE_DIR}/cmake/lxrun_fork_hot.lds COMMENT "Linking lxrun-unordered (a test instrument)")
add_custom_target(lxrun_unordered ALL DEPENDS ${LXRUN_UNORDERED_BIN})
add_dependencies(lxrun_unordered lxrun_vdso_image lxrun_musl)
