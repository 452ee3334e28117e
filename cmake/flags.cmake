# Compile and link flags for the configured platform. Every component links vectra_flags;
# our own code also links vectra_our_warnings (warnings are errors in our code, not in ports).

add_library(vectra_flags INTERFACE)
add_library(vectra_our_warnings INTERFACE)

target_compile_options(vectra_our_warnings INTERFACE -Wall -Wextra -Werror -Wno-unused-parameter
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>)

target_compile_features(vectra_flags INTERFACE cxx_std_20)
# Reports and debug info name files relative to the source tree, whatever folder it sits in.
target_compile_options(vectra_flags INTERFACE -ffile-prefix-map=${CMAKE_SOURCE_DIR}/=)
# ccache (see CMakeLists.txt) hands the compiler paths relative to the build folder: map those too.
file(RELATIVE_PATH vectra_source_from_build ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
string(REGEX REPLACE "/$" "" vectra_source_from_build "${vectra_source_from_build}")
if(vectra_source_from_build)
    target_compile_options(vectra_flags INTERFACE -ffile-prefix-map=${vectra_source_from_build}/=)
endif()
# The compilation folder in debug info is "." for every build folder: gdb finds every file under
# the tree it is pointed at (./vectra debug), and an object ccache reuses from another image's
# folder is exactly the object this folder would have made.
target_compile_options(vectra_flags INTERFACE -fdebug-compilation-dir=.)
target_include_directories(vectra_flags INTERFACE ${VECTRA_GENERATED_DIR})
target_compile_definitions(vectra_flags INTERFACE
    FMT_HEADER_ONLY=1 FMT_EXCEPTIONS=0 FMT_STATIC_THOUSANDS_SEPARATOR=1 FMT_USE_LONG_DOUBLE=0)

if(VECTRA_FREESTANDING)
    target_compile_options(vectra_flags INTERFACE
        -ffreestanding -fno-pic -fno-pie -fno-stack-protector
        -fno-asynchronous-unwind-tables -fno-unwind-tables
        -ffunction-sections -fdata-sections -fno-builtin-malloc -fno-builtin-free
        $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit>
        $<$<COMPILE_LANGUAGE:C>:-D__NO_CTYPE>)
    if(CMAKE_SYSTEM_PROCESSOR STREQUAL "x86_64")
        # No red zone: interrupts arrive on the current stack. SSE stays on (enabled at boot).
        target_compile_options(vectra_flags INTERFACE -mno-red-zone)
    elseif(CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
        target_compile_options(vectra_flags INTERFACE -mno-outline-atomics)
    endif()
    execute_process(COMMAND ${CMAKE_C_COMPILER} --target=${VECTRA_TARGET_TRIPLE} -rtlib=libgcc
        -print-libgcc-file-name OUTPUT_VARIABLE VECTRA_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT EXISTS "${VECTRA_LIBGCC}")
        message(FATAL_ERROR "libgcc.a for ${VECTRA_TARGET_TRIPLE} not found (${VECTRA_LIBGCC}); "
            "run ./vectra setup")
    endif()
else()
    target_compile_options(vectra_flags INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti>)
    # LLVM's linker for hosted images and host tests too, as for the freestanding images: it links
    # an ASan test executable in a third of GNU ld's time, and the licence report reads one map form.
    target_link_options(vectra_flags INTERFACE -fuse-ld=lld)
    if(VECTRA_SANITIZE)
        target_compile_options(vectra_flags INTERFACE -fsanitize=address,undefined
            -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
        target_link_options(vectra_flags INTERFACE -fsanitize=address,undefined)
        # Coverage instrumentation for the fuzz targets (libFuzzer's main is linked only there).
        if(VECTRA_HOST_TESTS)
            target_compile_options(vectra_flags INTERFACE -fsanitize=fuzzer-no-link)
        endif()
    endif()
endif()
