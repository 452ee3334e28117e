# SPDX-License-Identifier: Apache-2.0
# The debug snapshot's reader (core/snapshot) on the table the host kernel writes: rows as recorded,
# and every copy it must refuse (torn, never written, another magic or version, counts past the bytes).
vectra_host_test(core.snapshot SOURCES core/TestTaskList.cpp COMPONENTS ${kernel_components} concurrent snapshot)
