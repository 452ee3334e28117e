# SPDX-License-Identifier: Apache-2.0
# inputd's rules on the server object (keymaps from the configuration, modifiers, refusals, focus,
# bounded queues) and its real loop as a Task with a driver, a focus holder and client sessions.
vectra_host_test(services.inputd SOURCES services/TestInputd.cpp services/TestInputdLoop.cpp
    COMPONENTS ${kernel_components} text path encoding time concurrent process fs vfsd_protocol input input_protocol inputd_service)

# Any bytes as a driver's (vectra.input.device), a client's (vectra.input) or the focus holder's
# (vectra.input.focus) request, answered by inputd's own handlers.
vectra_fuzz_target(input_request SOURCES fuzz/FuzzInputRequest.cpp
    COMPONENTS ${kernel_components} text encoding time concurrent process input input_protocol inputd_service)
