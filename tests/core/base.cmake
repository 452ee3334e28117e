# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.base SOURCES core/TestError.cpp core/TestFixedString.cpp core/TestBytes.cpp
    COMPONENTS ${kernel_components})
vectra_host_test(core.path SOURCES core/TestPath.cpp COMPONENTS ${kernel_components} path)
vectra_fuzz_target(path_decode SOURCES fuzz/FuzzPathDecode.cpp COMPONENTS ${kernel_components} path)
