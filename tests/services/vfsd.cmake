# SPDX-License-Identifier: Apache-2.0
vectra_host_test(services.vfsd SOURCES services/TestRamFilesystem.cpp services/TestVfsServer.cpp
    COMPONENTS ${kernel_components} path vfsd_protocol)
vectra_fuzz_target(vfsd_request SOURCES fuzz/FuzzVfsRequest.cpp COMPONENTS ${kernel_components} path vfsd_protocol)
