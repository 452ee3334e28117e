# SPDX-License-Identifier: Apache-2.0
# The platforms' pure parts, compiled for the host: aarch64's device-tree reader (a unit test and
# a libFuzzer target) and the memory-map builders of aarch64 and x86_64 (their headers are the
# platforms' private src/MemoryMapBuilder.h: each test target sees only its own platform's).
set(aarch64_device_tree ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/DeviceTree.cpp)
vectra_host_test(platforms.aarch64.device_tree SOURCES platforms/TestDeviceTree.cpp ${aarch64_device_tree}
    COMPONENTS ${kernel_components})
target_include_directories(test_platforms.aarch64.device_tree PRIVATE ${CMAKE_SOURCE_DIR}/platforms/aarch64/include)
# The fuzz target walks the tree with the /cpus reader (MemoryMapBuilder.cpp, ADR 0020), the
# virtio-mmio slot walk (ADR 0025) and the GIC node reader (ADR 0027) too.
vectra_fuzz_target(device_tree SOURCES fuzz/FuzzDeviceTree.cpp ${aarch64_device_tree}
    ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/VirtioMmioSlots.cpp ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/PciHost.cpp
    ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/PciInterruptMap.cpp ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/GicDescription.cpp
    ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/MemoryMapBuilder.cpp COMPONENTS ${kernel_components})
target_include_directories(fuzz_device_tree PRIVATE ${CMAKE_SOURCE_DIR}/platforms/aarch64/src
    ${CMAKE_SOURCE_DIR}/platforms/aarch64/include)

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
# virtio-mmio slots (ADR 0025): aarch64's virtio,mmio nodes, also walked by the device-tree fuzz target.
set(aarch64_virtio_mmio_slots ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/VirtioMmioSlots.cpp ${aarch64_pci_host})
vectra_platform_builder_test(platforms.aarch64.virtio_mmio_slots aarch64
    SOURCES platforms/TestVirtioMmioSlots.cpp ${aarch64_device_tree} ${aarch64_virtio_mmio_slots}
    COMPONENTS ${kernel_components})
# fw_cfg and ramfb (header-only in primitives/platform, shared by x86_64 and aarch64).
vectra_host_test(platforms.firmware_config SOURCES platforms/TestFirmwareConfig.cpp COMPONENTS ${kernel_components})
vectra_fuzz_target(firmware_config SOURCES fuzz/FuzzFirmwareConfig.cpp COMPONENTS ${kernel_components})
# The GIC node (ADR 0027): GICv2 or GICv3, its windows; also walked by the device-tree fuzz target.
vectra_platform_builder_test(platforms.aarch64.gic_description aarch64
    SOURCES platforms/TestGicDescription.cpp ${aarch64_device_tree}
        ${CMAKE_SOURCE_DIR}/platforms/aarch64/src/GicDescription.cpp ${aarch64_pci_host}
    COMPONENTS ${kernel_components})
# x86_64's PVH memory map with RAM above 4 GiB (ADR 0027), fuzzed.
vectra_fuzz_target(x86_64_memory_map SOURCES fuzz/FuzzX86MemoryMap.cpp
    ${CMAKE_SOURCE_DIR}/platforms/x86_64/src/MemoryMapBuilder.cpp COMPONENTS ${kernel_components})
target_include_directories(fuzz_x86_64_memory_map PRIVATE ${CMAKE_SOURCE_DIR}/platforms/x86_64/src)
# x86_64's local APIC register encodings, xAPIC and x2APIC (ADR 0027; header only).
vectra_platform_builder_test(platforms.x86_64.local_apic_encoding x86_64
    SOURCES platforms/TestLocalApicEncoding.cpp COMPONENTS ${kernel_components})
