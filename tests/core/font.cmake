# SPDX-License-Identifier: Apache-2.0
# core/font's shelf packer.
if(TARGET vectra_font)
    vectra_host_test(core.font SOURCES core/TestAtlas.cpp COMPONENTS ${kernel_components} font)
endif()
# core/font's client side without a session: the blend, clipping at every edge, the atlas view's refusals.
if(TARGET vectra_font_client)
    vectra_host_test(core.font_client SOURCES core/TestFontClient.cpp
        COMPONENTS ${kernel_components} text encoding time concurrent surface font font_client)
endif()
