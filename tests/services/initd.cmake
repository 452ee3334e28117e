# SPDX-License-Identifier: Apache-2.0
# initd's restart policy (RestartHistory), compiled for the host: initd itself is image-only.
vectra_host_test(services.initd.restart_policy SOURCES services/TestRestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp COMPONENTS ${kernel_components})
target_include_directories(test_services.initd.restart_policy PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include)

# initd's Supervisor with group supervisors, on the real kernel (hosted): a boot manifest of the
# test's own places services at depth two (docs/adr/0010-supervision-at-scale.md).
vectra_host_test(services.initd.supervision_tree SOURCES services/TestSupervisionTree.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/Supervisor.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/EndAfterChecks.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/NoControl.cpp
    COMPONENTS ${kernel_components} time)
target_include_directories(test_services.initd.supervision_tree PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include)

# initd's vectra.control server (ADR 0045 §6) on the real kernel (hosted): a check Task connected to
# it lists, restarts, stops and starts services, pages the graph and meets every refusal.
vectra_host_test(services.initd.control SOURCES services/TestInitdControl.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/Supervisor.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/EndAfterChecks.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/ControlServer.cpp
    COMPONENTS ${kernel_components} time encoding concurrent control)
target_include_directories(test_services.initd.control PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include
    ${CMAKE_SOURCE_DIR}/components/crashtest/include)

# initd's one back-off timer armed for the earliest restart of every service backing off.
vectra_host_test(services.initd.backoff SOURCES services/TestInitdBackoff.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/Supervisor.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/EndAfterChecks.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/NoControl.cpp
    COMPONENTS ${kernel_components} time)
target_include_directories(test_services.initd.backoff PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include)

# initd's alternatives (ADR 0052) on the real kernel (hosted): a set of two services serving one
# connection — the first present, lacking its device, or ending before it is ready — and a check
# reaching whichever serves, beside one that cannot take the set's connection and an administrator
# who cannot start the member not chosen.
vectra_host_test(services.initd.alternatives SOURCES services/TestInitdAlternatives.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/Supervisor.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/EndAfterChecks.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/ControlServer.cpp
    COMPONENTS ${kernel_components} time encoding concurrent control)
target_include_directories(test_services.initd.alternatives PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include
    ${CMAKE_SOURCE_DIR}/components/crashtest/include)
