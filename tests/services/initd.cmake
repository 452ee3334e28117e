# SPDX-License-Identifier: Apache-2.0
# initd's restart policy (RestartHistory), compiled for the host: initd itself is image-only.
vectra_host_test(services.initd.restart_policy SOURCES services/TestRestartHistory.cpp
    ${CMAKE_SOURCE_DIR}/services/initd/src/RestartHistory.cpp COMPONENTS ${kernel_components})
target_include_directories(test_services.initd.restart_policy PRIVATE ${CMAKE_SOURCE_DIR}/services/initd/include)
