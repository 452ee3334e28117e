# SPDX-License-Identifier: Apache-2.0
# fontd's Engine over the real FreeType port and Debian's DejaVu fonts (rendering, FreeType's own pixels,
# malformed fonts, too little memory), and its real loop as a Task with a client Task over sessions of
# vectra.font (the read-only atlas and every refusal).
if(TARGET vectra_fontd_service)
    vectra_host_test(services.fontd SOURCES services/TestFontdEngine.cpp services/TestFontdLoop.cpp
        COMPONENTS ${kernel_components} text path encoding time concurrent fs vfsd_protocol libc font freetype_port fontd_service)
    target_compile_definitions(test_services.fontd PRIVATE VECTRA_FONTS_DEJAVU_DIR="${VECTRA_FONTS_DEJAVU_DIR}")

    # Any bytes as a font file through fontd's loader (FreeType): load, size, render a few glyphs.
    vectra_fuzz_target(font_load SOURCES fuzz/FuzzFontLoad.cpp
        COMPONENTS ${kernel_components} encoding time concurrent libc font freetype_port fontd_service)
    # Any bytes as a vectra.font request against a session's handlers over real fonts.
    vectra_fuzz_target(font_request SOURCES fuzz/FuzzFontRequest.cpp
        COMPONENTS ${kernel_components} text encoding time concurrent libc font freetype_port fontd_service)
    target_compile_definitions(fuzz_font_load PRIVATE VECTRA_FONTS_DEJAVU_DIR="${VECTRA_FONTS_DEJAVU_DIR}")
    target_compile_definitions(fuzz_font_request PRIVATE VECTRA_FONTS_DEJAVU_DIR="${VECTRA_FONTS_DEJAVU_DIR}")
endif()

