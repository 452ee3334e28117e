# SPDX-License-Identifier: Apache-2.0
# vctl's commands (apps/vctl) typed by a check Task connected to initd's real vectra.control server.
vectra_host_test(apps.vctl SOURCES apps/TestVctl.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/Supervisor.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/EndAfterChecks.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/ControlServer.cpp
    COMPONENTS ${kernel_components} time encoding path fs tty concurrent control snapshot vsh_shell vctl_commands)
target_include_directories(test_apps.vctl PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include
    ${CMAKE_SOURCE_DIR}/components/crashtest/include)
# Any bytes as a request on initd's control connection: decoded, checked, answered, nothing broken.
vectra_fuzz_target(control_request SOURCES fuzz/FuzzControlRequest.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/ControlServer.cpp
    COMPONENTS ${kernel_components} encoding concurrent control)
target_include_directories(fuzz_control_request PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include)
