# SPDX-License-Identifier: Apache-2.0
# The crash-safe store (ADR 0023): its operations, its mount's refusals and fallbacks, and power
# cuts through components/hostblk's fault injector (200 random cuts; a mutation the harness catches).
vectra_host_test(components.store SOURCES components/TestStore.cpp
    COMPONENTS ${kernel_components} encoding time concurrent block store)
vectra_host_test(components.store_power_cuts SOURCES components/TestStorePowerCuts.cpp
    COMPONENTS ${kernel_components} encoding time concurrent block hostblk_driver store)
# Any bytes as a catalog (with a superblock that names it and its CRC), and as the two superblocks:
# mount, list, stat, read every file, write, sync and mount again.
vectra_fuzz_target(store_catalog SOURCES fuzz/FuzzStoreCatalog.cpp
    COMPONENTS ${kernel_components} encoding time concurrent block store)
