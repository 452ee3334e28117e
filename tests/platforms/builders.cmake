# SPDX-License-Identifier: Apache-2.0
# The platforms' pure parts, compiled for the host: aarch64's device-tree reader (a unit test and
# a libFuzzer target) and the memory-map builders of aarch64 and x86_64 (their headers are the
# platforms' private src/MemoryMapBuilder.h: each test target sees only its own platform's).
set(aarch64_device_tree ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/DeviceTree.cpp)
vectra_host_test(platforms.aarch64.device_tree SOURCES platforms/TestDeviceTree.cpp ${aarch64_device_tree}
    COMPONENTS ${kernel_components})
target_include_directories(test_platforms.aarch64.device_tree PRIVATE ${CMAKE_SOURCE_DIR}/platforms/aarch64/include)
vectra_fuzz_target(device_tree SOURCES fuzz/FuzzDeviceTree.cpp ${aarch64_device_tree} COMPONENTS ${kernel_components})
target_include_directories(fuzz_device_tree PRIVATE ${CMAKE_SOURCE_DIR}/platforms/aarch64/include)

function(vectra_platform_builder_test name platform)
    vectra_host_test(${name} ${ARGN})
    target_include_directories(test_${name} PRIVATE ${CMAKE_SOURCE_DIR}/platforms/${platform}/src
        ${CMAKE_SOURCE_DIR}/platforms/${platform}/include)
endfunction()
vectra_platform_builder_test(platforms.aarch64.memory_map aarch64
    SOURCES platforms/TestAarch64MemoryMap.cpp ${aarch64_device_tree}
        ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/MemoryMapBuilder.cpp
    COMPONENTS ${kernel_components})
vectra_platform_builder_test(platforms.x86_64.memory_map x86_64
    SOURCES platforms/TestX86MemoryMap.cpp ${CMAKE_SOURCE_DIR}/platforms/x86_64/src/MemoryMapBuilder.cpp
    COMPONENTS ${kernel_components})

# PCI host bridges: x86_64's ACPI reader (RSDP, XSDT/RSDT, MCFG) and aarch64's device-tree node.
set(x86_64_acpi ${CMAKE_SOURCE_DIR}/platforms/x86_64/src/Acpi.cpp ${CMAKE_SOURCE_DIR}/platforms/x86_64/src/AcpiMadt.cpp)
vectra_platform_builder_test(platforms.x86_64.acpi x86_64 SOURCES platforms/TestAcpi.cpp ${x86_64_acpi}
    COMPONENTS ${kernel_components})
vectra_fuzz_target(acpi SOURCES fuzz/FuzzAcpi.cpp ${x86_64_acpi} COMPONENTS ${kernel_components})
target_include_directories(fuzz_acpi PRIVATE ${CMAKE_SOURCE_DIR}/platforms/x86_64/src)
set(aarch64_pci_host ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/PciHost.cpp
    ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/PciInterruptMap.cpp)
vectra_platform_builder_test(platforms.aarch64.pci_host aarch64
    SOURCES platforms/TestPciHost.cpp ${aarch64_device_tree} ${aarch64_pci_host}
    COMPONENTS ${kernel_components})
vectra_fuzz_target(pci_host SOURCES fuzz/FuzzPciHost.cpp ${aarch64_device_tree} ${aarch64_pci_host}
    COMPONENTS ${kernel_components})
target_include_directories(fuzz_pci_host PRIVATE ${CMAKE_SOURCE_DIR}/platforms/aarch64/src
    ${CMAKE_SOURCE_DIR}/platforms/aarch64/include)
# fw_cfg and ramfb (header-only in primitives/platform, shared by x86_64 and aarch64).
vectra_host_test(platforms.firmware_config SOURCES platforms/TestFirmwareConfig.cpp COMPONENTS ${kernel_components})
vectra_fuzz_target(firmware_config SOURCES fuzz/FuzzFirmwareConfig.cpp COMPONENTS ${kernel_components})
