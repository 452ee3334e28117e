# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.text SOURCES core/TestUtf8.cpp COMPONENTS ${kernel_components} text)
