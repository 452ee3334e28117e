# SPDX-License-Identifier: Apache-2.0
# core/font's shelf packer.
if(TARGET vectra_font)
    vectra_host_test(core.font SOURCES core/TestAtlas.cpp COMPONENTS ${kernel_components} font)
endif()
# core/font's client side: the blend, clipping at every edge, the atlas view's refusals; the client against a lying fontd.
if(TARGET vectra_font_client)
    vectra_host_test(core.font_client SOURCES core/TestFontClient.cpp core/TestFontClientSession.cpp
        COMPONENTS ${kernel_components} text path encoding time concurrent fs vfsd_protocol libc surface font font_client)
endif()
