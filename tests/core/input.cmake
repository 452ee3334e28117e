# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.input SOURCES core/TestInput.cpp COMPONENTS ${kernel_components} input)
vectra_fuzz_target(input_events SOURCES fuzz/FuzzInputEvents.cpp COMPONENTS ${kernel_components} input)
