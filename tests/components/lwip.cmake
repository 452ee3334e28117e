# SPDX-License-Identifier: Apache-2.0
# The lwIP port as images build it: two interfaces over an in-memory Ethernet link, TCP and UDP on
# both families, DHCP's discover, and its memory coming only from the heap the test hands it.
vectra_host_test(components.lwip_port SOURCES components/TestLwipPort.cpp
    COMPONENTS ${kernel_components} encoding random lwip_port)
