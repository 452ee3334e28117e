# SPDX-License-Identifier: Apache-2.0
# The virtio-net driver's vectra.link service over a simulated device: frames both ways through
# lent MemCaps, and a client and a device attacking it.
vectra_host_test(components.virtionet SOURCES components/TestVirtioNetLink.cpp
    COMPONENTS ${kernel_components} encoding time concurrent net virtio virtionet_link)
target_include_directories(test_components.virtionet PRIVATE ${CMAKE_SOURCE_DIR}/tests/core)
# Any bytes as a vectra.link request to the driver's dispatch (no device behind it moves).
vectra_fuzz_target(link_request SOURCES fuzz/FuzzLinkRequest.cpp
    COMPONENTS ${kernel_components} encoding time concurrent net virtio virtionet_link)
