# SPDX-License-Identifier: Apache-2.0
# The network library (core/net): vectra.socket's addresses, one encoding each, its slot bounds,
# and the socket table and byte budget every server of it uses, attacked with foreign and stale ids.
vectra_host_test(core.net SOURCES core/TestNetAddress.cpp core/TestNetSockets.cpp
    COMPONENTS ${kernel_components} encoding concurrent net)
