# SPDX-License-Identifier: Apache-2.0
# netd's session handler over the real lwIP stack: sessions talking to each other over its
# loopback interface, and attacking each other's sockets, limits and buffers.
vectra_host_test(services.netd SOURCES services/TestNetdSession.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
# Any bytes as a vectra.socket request to a session over the real stack (seeded with two sockets).
vectra_fuzz_target(socket_request SOURCES fuzz/FuzzSocketRequest.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
