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
