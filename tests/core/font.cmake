# SPDX-License-Identifier: Apache-2.0
# core/font's shelf packer.
if(TARGET vectra_font)
    vectra_host_test(core.font SOURCES core/TestAtlas.cpp COMPONENTS ${kernel_components} font)
endif()
