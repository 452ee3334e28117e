# SPDX-License-Identifier: Apache-2.0
# netd's session handler over the real lwIP stack: sessions talking to each other over its
# loopback interface, and attacking each other's sockets, limits and buffers.
vectra_host_test(services.netd SOURCES services/TestNetdSession.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
# send-receive's handler over a stack the test steers: order, a part taken, sent once while it waits, busy, refusals.
vectra_host_test(services.netd_send_receive SOURCES services/TestNetdSendReceive.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
# Any bytes as a vectra.socket request to a session over the real stack (seeded with two sockets and a connection).
vectra_fuzz_target(socket_request SOURCES fuzz/FuzzSocketRequest.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
# Any bytes as a received frame before lwIP, with a connection in TIME_WAIT: which SYN ends it (RFC 1122 4.2.2.13).
vectra_fuzz_target(time_wait_syn SOURCES fuzz/FuzzTimeWaitSyn.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
# netd's service loop as a Task over real Rings: waiting requests, busy, the Ring-space rule.
vectra_host_test(services.netd_loop SOURCES services/TestNetdLoop.cpp
    COMPONENTS ${kernel_components} text path encoding time random concurrent fs vfsd_protocol net lwip_port netd_protocol)
# core/net's SocketClient against netd's loop: two Tasks streaming both ways, refusals, limits, deadlines.
vectra_host_test(services.netd_client SOURCES services/TestNetdClient.cpp
    COMPONENTS ${kernel_components} text path encoding time random concurrent fs vfsd_protocol net lwip_port netd_protocol)
# A restarted netd's stack over what the ended instance left in lwIP's global state (a process of its own).
vectra_host_test(services.netd_restart SOURCES services/TestNetdRestart.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
# netd's host backend under its loop (hosted): client Tasks through SocketClient against peers the
# test runs on the host's loopback, and the attacker's cases (outside loopback, 16 host sockets).
vectra_host_test(services.netd_host SOURCES services/TestNetdHost.cpp
    COMPONENTS ${kernel_components} text path encoding time random concurrent fs vfsd_protocol net lwip_port netd_protocol)
# The link's DHCP lease for sessions: option 6's DNS servers, name-servers, address-pending.
vectra_host_test(services.netd_lease SOURCES services/TestNetdLease.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
# netd's stateless DHCPv6 messages: the Information-request's bytes, a Reply's DNS servers, every refusal.
vectra_host_test(services.netd_dhcpv6 SOURCES services/TestNetdDhcpv6.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
# Any bytes as a DHCPv6 Reply (the seeds: libslirp's Reply and its refusals' shapes).
vectra_fuzz_target(dhcpv6_reply SOURCES fuzz/FuzzDhcpv6Reply.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
# netd_link's IPv4 plan from its configuration (DHCP or static; the Kconfig fallback) and its refusals.
vectra_host_test(services.netd_link_configuration SOURCES services/TestNetdLinkConfiguration.cpp
    COMPONENTS ${kernel_components} text encoding process time concurrent net netd_link_configuration)
# Any bytes as netd_link's configuration.
vectra_fuzz_target(netd_link_configuration SOURCES fuzz/FuzzNetdLinkConfiguration.cpp
    COMPONENTS ${kernel_components} text encoding process time concurrent net netd_link_configuration)
# netd's link interface against a driver the test plays on real Rings: the frame slots lent once, offsets after.
vectra_host_test(services.netd_link SOURCES services/TestNetdLink.cpp
    COMPONENTS ${kernel_components} encoding time random concurrent net lwip_port netd_protocol)
