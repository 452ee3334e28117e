# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.virtio SOURCES core/TestVirtio.cpp COMPONENTS ${kernel_components} virtio)
vectra_fuzz_target(virtio SOURCES fuzz/FuzzVirtio.cpp COMPONENTS ${kernel_components} virtio)
vectra_host_test(core.virtio_block SOURCES core/TestVirtioBlock.cpp COMPONENTS ${kernel_components} virtio)
vectra_host_test(core.virtio_mmio SOURCES core/TestVirtioMmio.cpp COMPONENTS ${kernel_components} virtio)
vectra_fuzz_target(virtio_mmio SOURCES fuzz/FuzzVirtioMmio.cpp COMPONENTS ${kernel_components} virtio)
vectra_host_test(core.virtio_gpu SOURCES core/TestVirtioGpu.cpp COMPONENTS ${kernel_components} virtio)
vectra_fuzz_target(virtio_gpu SOURCES fuzz/FuzzVirtioGpu.cpp COMPONENTS ${kernel_components} virtio)
