# SPDX-License-Identifier: Apache-2.0
# notifyd's state (ADR 0048): stacking, expiry, bounds, and attacks (bad text, floods, foreign and stale ids).
# Its loop with a screen standing for compositord's input: clicks taken on the input bit, never polled.
vectra_host_test(services.notifyd SOURCES services/TestNotifydBoard.cpp services/TestNotifydClicks.cpp
    COMPONENTS ${kernel_components} text path encoding time concurrent process fs vfsd_protocol libc notify notifyd_service)
# Any bytes as vectra.notify requests on two sessions of notifyd's loop (no screen), with the clock moving between them.
vectra_fuzz_target(notify_request SOURCES fuzz/FuzzNotifyRequest.cpp
    COMPONENTS ${kernel_components} text encoding time concurrent notify notifyd_service)
# notifyd's loop with compositord's (its privileged listener), fontd's and displayd's real loops as Tasks:
# notifications drawn top right, stacked, expired, withdrawn; the refusals over the Rings; a client asking
# compositord for a transient surface refused.
if(TARGET vectra_notifyd_display AND TARGET vectra_fontd_service)
    vectra_host_test(services.notifyd_loop SOURCES services/TestNotifydLoop.cpp
        COMPONENTS ${kernel_components} text path encoding time concurrent process fs vfsd_protocol libc font font_client freetype_port
            harfbuzz_port fontd_service surface display input input_protocol compositord_service inputd_service
            notify notifyd_service notifyd_display)
    target_compile_definitions(test_services.notifyd_loop PRIVATE VECTRA_FONTS_DEJAVU_DIR="${VECTRA_FONTS_DEJAVU_DIR}")
endif()
