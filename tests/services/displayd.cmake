# SPDX-License-Identifier: Apache-2.0
# vectra.display's loop (core/display) as a Task over the kernel's display device, as displayd runs it, and over a
# resizing backend: one holder, the lent framebuffer, presents checked, a second session busy, the lent copy revoked
# when the holder goes or the mode changes, malformed bytes.
vectra_host_test(services.displayd SOURCES services/TestDisplayServer.cpp
    COMPONENTS ${kernel_components} text path encoding time concurrent fs vfsd_protocol display)

# Any bytes as vectra.display requests against the loop's handlers: whole through the dispatch checks, and as a
# sequence of requests from four sessions with mode changes and session ends between them, inside a Task.
vectra_fuzz_target(display_request SOURCES fuzz/FuzzDisplayRequest.cpp
    COMPONENTS ${kernel_components} text encoding time concurrent display)
