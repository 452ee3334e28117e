# SPDX-License-Identifier: Apache-2.0
# The aarch64 platform's pure parts, compiled for the host: the device-tree reader (a unit test
# and a libFuzzer target).
set(aarch64_device_tree ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/DeviceTree.cpp)
vectra_host_test(platforms.aarch64.device_tree SOURCES platforms/TestDeviceTree.cpp ${aarch64_device_tree}
    COMPONENTS ${kernel_components})
target_include_directories(test_platforms.aarch64.device_tree PRIVATE ${CMAKE_SOURCE_DIR}/platforms/aarch64/include)
vectra_fuzz_target(device_tree SOURCES fuzz/FuzzDeviceTree.cpp ${aarch64_device_tree} COMPONENTS ${kernel_components})
target_include_directories(fuzz_device_tree PRIVATE ${CMAKE_SOURCE_DIR}/platforms/aarch64/include)
