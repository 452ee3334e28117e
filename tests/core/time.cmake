# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.time SOURCES core/TestTime.cpp COMPONENTS ${kernel_components} time)
