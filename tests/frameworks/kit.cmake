# SPDX-License-Identifier: Apache-2.0
# VectraKit (frameworks/kit) over fontd's FreeType engine and Debian's DejaVu Sans: tree edits and
# capacity, layout numbers, hit-testing, focus, editing, lists, damage, exact pixels, the
# accessibility tree; and a fuzz target of random event sequences and tree edits.
if(TARGET vectra_kit AND TARGET vectra_kit_input AND TARGET vectra_kit_fontd AND TARGET vectra_fontd_service)
    vectra_host_test(frameworks.kit
        SOURCES frameworks/TestKitTree.cpp frameworks/TestKitLayout.cpp frameworks/TestKitEvents.cpp
            frameworks/TestKitDraw.cpp frameworks/TestKitAccessibility.cpp frameworks/TestKitInput.cpp
        COMPONENTS ${kernel_components} text encoding time surface kit kit_input input input_protocol concurrent libc font font_client freetype_port harfbuzz_port fontd_service)
    target_compile_definitions(test_frameworks.kit PRIVATE VECTRA_FONTS_DEJAVU_DIR="${VECTRA_FONTS_DEJAVU_DIR}")
    # FontdGlyphs against fontd's real loop as a Task (a client Task over a vectra.font session).
    vectra_host_test(frameworks.kit_fontd SOURCES frameworks/TestKitFontdGlyphs.cpp
        COMPONENTS ${kernel_components} text path encoding time concurrent fs vfsd_protocol libc font font_client freetype_port harfbuzz_port
            fontd_service surface input kit kit_fontd)
    target_compile_definitions(test_frameworks.kit_fontd PRIVATE VECTRA_FONTS_DEJAVU_DIR="${VECTRA_FONTS_DEJAVU_DIR}")
    vectra_fuzz_target(kit_events SOURCES fuzz/FuzzKitEvents.cpp
        COMPONENTS ${kernel_components} text encoding time surface input kit concurrent libc font font_client freetype_port harfbuzz_port fontd_service)
    target_compile_definitions(fuzz_kit_events PRIVATE VECTRA_FONTS_DEJAVU_DIR="${VECTRA_FONTS_DEJAVU_DIR}")
endif()
