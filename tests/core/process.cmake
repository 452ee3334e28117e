# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.process SOURCES core/TestProcess.cpp COMPONENTS ${kernel_components} text encoding process)
