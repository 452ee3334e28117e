# SPDX-License-Identifier: Apache-2.0
# fontd's Engine over the real FreeType and HarfBuzz ports and Debian's DejaVu and Noto fonts (rendering,
# FreeType's own pixels, shaping against hb-shape's runs, malformed fonts, too little memory), and its real
# loop as a Task with a client Task over sessions of vectra.font (the read-only atlas and every refusal).
if(TARGET vectra_fontd_service)
    set(fontd_font_folders VECTRA_FONTS_DEJAVU_DIR="${VECTRA_FONTS_DEJAVU_DIR}" VECTRA_FONTS_NOTO_DIR="${VECTRA_FONTS_NOTO_DIR}")
    vectra_host_test(services.fontd SOURCES services/TestFontdEngine.cpp services/TestFontdShaping.cpp services/TestFontdLoop.cpp
        COMPONENTS ${kernel_components} text path encoding time concurrent fs vfsd_protocol libc font freetype_port harfbuzz_port fontd_service)
    target_compile_definitions(test_services.fontd PRIVATE ${fontd_font_folders})

    # Any bytes as a font file through fontd's loader (FreeType) and shaper (HarfBuzz): load, size, render and shape.
    vectra_fuzz_target(font_load SOURCES fuzz/FuzzFontLoad.cpp
        COMPONENTS ${kernel_components} text encoding time concurrent libc font freetype_port harfbuzz_port fontd_service)
    # Any bytes as a vectra.font request against a session's handlers over real fonts.
    vectra_fuzz_target(font_request SOURCES fuzz/FuzzFontRequest.cpp
        COMPONENTS ${kernel_components} text encoding time concurrent libc font freetype_port harfbuzz_port fontd_service)
    target_compile_definitions(fuzz_font_load PRIVATE ${fontd_font_folders})
    target_compile_definitions(fuzz_font_request PRIVATE ${fontd_font_folders})
endif()
