# SPDX-License-Identifier: Apache-2.0
# The test card's drawing (components/testcard: plain code over a pixel buffer), compiled for the
# host from its sources: the component itself needs CONFIG_DISPLAY, which host tests leave off.
vectra_host_test(components.testcard SOURCES components/TestTestCard.cpp
    ${CMAKE_SOURCE_DIR}/components/testcard/src/TestCard.cpp ${CMAKE_SOURCE_DIR}/components/testcard/src/Font.cpp
    COMPONENTS ${kernel_components})
target_include_directories(test_components.testcard PRIVATE ${CMAKE_SOURCE_DIR}/components/testcard/include)
