# SPDX-License-Identifier: Apache-2.0
# The block layer's library (core/block): the GPT parser against disks sgdisk and sfdisk made
# (gdisk, fdisk), partition windows, buffer checks, queue limits and counters.
vectra_host_test(core.block SOURCES core/TestGpt.cpp core/TestBlockWindow.cpp core/TestFaultInjection.cpp
    COMPONENTS ${kernel_components} encoding concurrent block)
# Any bytes as a disk: the parser reads only inside it and every partition it accepts is inside
# the usable range, disjoint from the others; seeds are made by sgdisk when the target starts.
vectra_fuzz_target(gpt SOURCES fuzz/FuzzGpt.cpp COMPONENTS ${kernel_components} encoding concurrent block)
