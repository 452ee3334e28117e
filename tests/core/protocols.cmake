# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.protocol SOURCES core/TestProtocol.cpp
    COMPONENTS ${kernel_components} text path encoding time concurrent fs)
vectra_host_test(core.session SOURCES core/TestSession.cpp core/TestConnection.cpp
    COMPONENTS ${kernel_components} text path encoding time concurrent fs vfsd_protocol)
target_include_directories(test_core.session PRIVATE ${CMAKE_SOURCE_DIR}/components/crashtest/include)
vectra_fuzz_target(echo_request SOURCES fuzz/FuzzEchoRequest.cpp
    COMPONENTS ${kernel_components} text encoding time concurrent)
target_include_directories(fuzz_echo_request PRIVATE ${CMAKE_SOURCE_DIR}/components/crashtest/include)
