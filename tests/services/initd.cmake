# SPDX-License-Identifier: Apache-2.0
# initd's restart policy (RestartHistory), compiled for the host: initd itself is image-only.
vectra_host_test(services.initd.restart_policy SOURCES services/TestRestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp COMPONENTS ${kernel_components})
target_include_directories(test_services.initd.restart_policy PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include)

# initd's Supervisor on the real kernel (hosted), on a boot manifest of the test's own: `source`, initd's
# Supervisor with either no control server (NoControl.cpp) or vectra.control's (ControlServer.cpp).
set(initd_sources ${CMAKE_SOURCE_DIR}/services/initd/src/Supervisor.cpp ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/EndAfterChecks.cpp)
function(initd_host_test name source)
    vectra_host_test(${name} SOURCES ${source} ${initd_sources} ${CMAKE_SOURCE_DIR}/services/initd/src/NoControl.cpp
        COMPONENTS ${kernel_components} time)
    target_include_directories(test_${name} PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include)
endfunction()
function(initd_control_host_test name source)
    vectra_host_test(${name} SOURCES ${source} ${initd_sources} ${CMAKE_SOURCE_DIR}/services/initd/src/ControlServer.cpp
        COMPONENTS ${kernel_components} time encoding concurrent control)
    target_include_directories(test_${name} PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include
        ${CMAKE_SOURCE_DIR}/components/crashtest/include)
endfunction()

# Group supervisors: services at depth two (docs/adr/0010-supervision-at-scale.md).
initd_host_test(services.initd.supervision_tree services/TestSupervisionTree.cpp)

# The one back-off timer armed for the earliest restart of every service backing off.
initd_host_test(services.initd.backoff services/TestInitdBackoff.cpp)

# vectra.control (ADR 0045 §6): a check Task connected to initd lists, restarts, stops and starts
# services, pages the graph and meets every refusal.
initd_control_host_test(services.initd.control services/TestInitdControl.cpp)

# Alternatives (ADR 0052): a set of two services serving one connection — the first present, lacking
# its device, or ending before it is ready — and a check reaching whichever serves, beside one that
# cannot take the set's connection and an administrator who cannot start the member not chosen.
initd_control_host_test(services.initd.alternatives services/TestInitdAlternatives.cpp)

# A client's restart resets only the connections it is the one client of: a listener its server's
# other clients use stays, and their sessions carry on.
initd_control_host_test(services.initd.client_restart services/TestInitdClientRestart.cpp)
