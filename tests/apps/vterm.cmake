# SPDX-License-Identifier: Apache-2.0
# vterm's vectra.tty sessions (apps/vterm Server): write interpreted before the reply, the read that
# waits (answered at a byte, a resize, its deadline), a second read busy, a flood of writes, a
# program that never reads while the person types (1024 kept, the rest dropped and counted),
# titles refused, malformed requests through the protocol's own dispatch.
if(TARGET vectra_vterm_server)
    vectra_host_test(apps.vterm SOURCES apps/TestVtermServer.cpp apps/TestVtermWindows.cpp apps/TestVtermGesture.cpp apps/TestVtermLoop.cpp
        COMPONENTS ${kernel_components} text path time libc input encoding concurrent process fs vfsd_protocol tty libvterm_port terminal vterm_server)
    # Any bytes as runs of vectra.tty requests on two sessions of a fresh server, with keys typed,
    # resizes and deadlines between them.
    vectra_fuzz_target(tty_request SOURCES fuzz/FuzzTtyRequest.cpp
        COMPONENTS ${kernel_components} text time libc input encoding concurrent tty libvterm_port terminal vterm_server)
endif()
# A window's pixels against glyphs drawn directly from fontd's engine over DejaVu Sans Mono.
if(TARGET vectra_vterm_painter AND TARGET vectra_fontd_service)
    vectra_host_test(apps.vterm_painter SOURCES apps/TestVtermPainter.cpp
        COMPONENTS ${kernel_components} text encoding time surface kit concurrent libc font font_client freetype_port harfbuzz_port fontd_service
            input tty libvterm_port terminal vterm_painter)
    target_compile_definitions(test_apps.vterm_painter PRIVATE VECTRA_FONTS_DEJAVU_DIR="${VECTRA_FONTS_DEJAVU_DIR}")
endif()
