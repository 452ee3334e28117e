# SPDX-License-Identifier: Apache-2.0
# PS/2 scancode set 1 to evdev key events (ADR 0031 amendment): every key of a US keyboard, the
# E0 and E1 sequences, the keyboard's own repeat, and broken or unknown input counted and dropped.
vectra_host_test(components.ps2_scancodes SOURCES components/TestPs2Scancodes.cpp
    COMPONENTS ${kernel_components} input ps2keyboard)
vectra_fuzz_target(ps2_scancodes SOURCES fuzz/FuzzPs2Scancodes.cpp COMPONENTS ${kernel_components} input ps2keyboard)
