# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.encoding
    SOURCES core/TestDescribe.cpp core/TestBinaryEncoding.cpp core/TestJsonEncoding.cpp core/TestMessagePackEncoding.cpp
    COMPONENTS ${kernel_components} text encoding)
vectra_fuzz_target(json_decode SOURCES fuzz/FuzzJsonDecode.cpp COMPONENTS ${kernel_components} text encoding)
vectra_fuzz_target(msgpack_decode SOURCES fuzz/FuzzMessagePackDecode.cpp
    COMPONENTS ${kernel_components} text encoding)
vectra_fuzz_target(binary_decode SOURCES fuzz/FuzzBinaryDecode.cpp COMPONENTS ${kernel_components} text encoding)
