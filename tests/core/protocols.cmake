# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.protocol SOURCES core/TestProtocol.cpp
    COMPONENTS ${kernel_components} text path encoding time concurrent fs)
vectra_host_test(core.session SOURCES core/TestSession.cpp core/TestConnection.cpp
    COMPONENTS ${kernel_components} text path encoding time concurrent fs vfsd_protocol)
target_include_directories(test_core.session PRIVATE ${CMAKE_SOURCE_DIR}/components/crashtest/include)
vectra_fuzz_target(echo_request SOURCES fuzz/FuzzEchoRequest.cpp
    COMPONENTS ${kernel_components} text encoding time concurrent)
target_include_directories(fuzz_echo_request PRIVATE ${CMAKE_SOURCE_DIR}/components/crashtest/include)
# The reference pages in docs/protocols/ come from the declarations; the test fails when they differ.
add_executable(protocol_docs tools/ProtocolDocs.cpp HostInitialTask.cpp)
set_source_files_properties(tools/ProtocolDocs.cpp PROPERTIES COMPILE_OPTIONS -fexceptions)
target_link_libraries(protocol_docs PRIVATE vectra_our_warnings)
foreach(component IN ITEMS ${kernel_components} text path encoding time concurrent fs block net dns resolver surface display input input_protocol tls_stream font tty notify control)
    target_link_libraries(protocol_docs PRIVATE vectra_${component})
endforeach()
target_include_directories(protocol_docs PRIVATE ${CMAKE_SOURCE_DIR}/components/crashtest/include)
add_test(NAME tools.protocol_docs COMMAND protocol_docs --check ${CMAKE_SOURCE_DIR}/docs/protocols)
