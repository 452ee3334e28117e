# SPDX-License-Identifier: Apache-2.0
# initd's restart policy (RestartHistory), compiled for the host: initd itself is image-only.
vectra_host_test(services.initd.restart_policy SOURCES services/TestRestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp COMPONENTS ${kernel_components})
target_include_directories(test_services.initd.restart_policy PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include)

# initd's Supervisor with group supervisors, on the real kernel (hosted): a boot manifest of the
# test's own places services at depth two (docs/adr/0010-supervision-at-scale.md).
vectra_host_test(services.initd.supervision_tree SOURCES services/TestSupervisionTree.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/Supervisor.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/EndAfterChecks.cpp
    COMPONENTS ${kernel_components} time)
target_include_directories(test_services.initd.supervision_tree PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include)
