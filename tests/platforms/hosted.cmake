# SPDX-License-Identifier: Apache-2.0
#
# The hosted platform tested on its own: unlike vectra_host_test targets these link the platform
# without the kernel, and HostedKernelStub.cpp supplies the callbacks the platform makes
# (interrupt_arrived, cpu_fault, panic) so the tests see exactly what the platform delivers.
set(hosted_platform_test_sources
    platforms/TestHostedGuardPages.cpp
    platforms/TestHostedFaults.cpp
    platforms/TestHostedSoftwareInterrupt.cpp
    platforms/TestHostedProcessors.cpp
    platforms/TestHostedCycleCounter.cpp
    platforms/TestHostedForwards.cpp
    platforms/HostedKernelStub.cpp)
add_executable(test_platforms.hosted TestMain.cpp ${hosted_platform_test_sources})
set_source_files_properties(${hosted_platform_test_sources} PROPERTIES COMPILE_OPTIONS -fexceptions)
target_link_libraries(test_platforms.hosted PRIVATE Catch2::Catch2 vectra_flags vectra_our_warnings
    vectra_platform_hosted vectra_base vectra_platform vectra_boost_context)
add_test(NAME platforms.hosted COMMAND test_platforms.hosted)
set_tests_properties(platforms.hosted PROPERTIES ENVIRONMENT
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")

# The hosted display (src/Display.cpp: the SDL window, Debian's libsdl2-dev) on a private Xvfb of
# the window's size (xvfb-run, package xvfb), read back with libX11. Its own binary: the window
# thread and SDL stay out of the other platform tests. SDL and Xlib keep allocations for the
# process's life (the window is never closed), so leak detection is off for this one.
find_library(VECTRA_SDL2_LIBRARY SDL2)
find_path(VECTRA_SDL2_INCLUDE SDL2/SDL.h)
find_library(VECTRA_X11_LIBRARY X11)
find_program(VECTRA_XVFB_RUN xvfb-run)
if(NOT VECTRA_SDL2_LIBRARY OR NOT VECTRA_SDL2_INCLUDE OR NOT VECTRA_X11_LIBRARY OR NOT VECTRA_XVFB_RUN)
    message(FATAL_ERROR "platforms.hosted_window needs libsdl2-dev, libX11 and xvfb: run ./vectra setup")
endif()
set(hosted_window_test_sources platforms/TestHostedWindow.cpp platforms/XScreen.cpp platforms/HostedKernelStub.cpp)
add_executable(test_platforms.hosted_window TestMain.cpp ${hosted_window_test_sources}
    ${CMAKE_SOURCE_DIR}/platforms/hosted/src/Display.cpp)
set_source_files_properties(${hosted_window_test_sources} PROPERTIES COMPILE_OPTIONS -fexceptions)
target_include_directories(test_platforms.hosted_window SYSTEM PRIVATE ${VECTRA_SDL2_INCLUDE})
target_link_libraries(test_platforms.hosted_window PRIVATE Catch2::Catch2 vectra_flags vectra_our_warnings
    vectra_platform_hosted vectra_base vectra_platform vectra_boost_context ${VECTRA_SDL2_LIBRARY} ${VECTRA_X11_LIBRARY})
add_test(NAME platforms.hosted_window COMMAND ${VECTRA_XVFB_RUN} -a -s "-screen 0 320x200x24"
    $<TARGET_FILE:test_platforms.hosted_window>)
set_tests_properties(platforms.hosted_window PROPERTIES ENVIRONMENT
    "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")

# --forward= arguments as any bytes (ADR 0024 and 0032 amendments): nothing beyond loopback ever granted.
vectra_fuzz_target(hosted_forward SOURCES fuzz/FuzzHostedForward.cpp COMPONENTS ${kernel_components})
