# SPDX-License-Identifier: Apache-2.0
# The network library (core/net): vectra.socket's addresses, one encoding each, and its slot bounds.
vectra_host_test(core.net SOURCES core/TestNetAddress.cpp
    COMPONENTS ${kernel_components} encoding concurrent net)
