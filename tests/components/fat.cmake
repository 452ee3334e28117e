# SPDX-License-Identifier: Apache-2.0
# The FAT32 library, checked against Debian's dosfstools (mkfs.fat, fsck.fat -n) and mtools.
vectra_host_test(components.fat SOURCES components/TestFatVolume.cpp components/TestFatParsing.cpp
    COMPONENTS ${kernel_components} encoding path fat)
vectra_host_test(components.fat_power_cuts SOURCES components/TestFatPowerCuts.cpp
    COMPONENTS ${kernel_components} encoding path fat)
# Mount, list and read a mutated small FAT32 image; its seed is made by mkfs.fat when the target starts.
vectra_fuzz_target(fat_image SOURCES fuzz/FuzzFatImage.cpp COMPONENTS ${kernel_components} encoding path fat)
