# SPDX-License-Identifier: Apache-2.0
# Regions and damage-limited composition checked against a naive whole-screen reference over random scenes.
vectra_host_test(core.surface SOURCES core/TestRegion.cpp core/TestCompose.cpp core/TestCursor.cpp
    COMPONENTS ${kernel_components} text encoding time concurrent surface)
