# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.log SOURCES core/TestLog.cpp COMPONENTS ${kernel_components} text time encoding io log)
