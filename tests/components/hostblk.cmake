# SPDX-License-Identifier: Apache-2.0
# The hosted block driver's vectra.block dispatch against any bytes (a recording Backend: nothing
# off the disk reaches it, a refusal touches nothing).
vectra_fuzz_target(block_request SOURCES fuzz/FuzzBlockRequest.cpp
    COMPONENTS ${kernel_components} encoding time concurrent block hostblk_driver)
# The power-cut fault injector (a volatile write cache cut on cue) over a memory disk, and as the
# hosted driver's Backend over a real platform disk in a Task.
vectra_host_test(components.hostblk_power_cut SOURCES components/TestPowerCut.cpp components/TestPowerCutBackend.cpp
    COMPONENTS ${kernel_components} encoding time concurrent block hostblk_driver store)
