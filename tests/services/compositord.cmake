# SPDX-License-Identifier: Apache-2.0
# compositord's state against lent MemCaps (attacker cases: foreign ids, a MemCap too small, revoked,
# without read, rectangles outside or overflowing, a flood of damage), and its real loop as a Task on
# a display device with client Tasks over sessions of vectra.surface.
vectra_host_test(services.compositord SOURCES services/TestCompositordState.cpp services/TestCompositordInput.cpp services/TestCompositordLoop.cpp services/TestCompositordTransient.cpp
    COMPONENTS ${kernel_components} text path encoding time concurrent fs vfsd_protocol surface display input input_protocol compositord_service)

# Any bytes as a vectra.surface request against compositord's handlers: whole through the dispatch checks, and as
# a request sequence inside a Task lending MemCaps (none, big enough, too small, without read, revoked).
vectra_fuzz_target(surface_request SOURCES fuzz/FuzzSurfaceRequest.cpp
    COMPONENTS ${kernel_components} text encoding time concurrent surface display input input_protocol compositord_service)

# inputd's and compositord's real loops as Tasks wired as an image wires them (ADR 0047): a driver, two
# clients reading `input` on their surface sessions; routing by focus and by pointer, and its attackers.
vectra_host_test(services.compositord_input SOURCES services/TestCompositordInputLoop.cpp
    COMPONENTS ${kernel_components} text path encoding time concurrent process fs vfsd_protocol surface display input input_protocol compositord_service inputd_service)
