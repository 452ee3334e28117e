# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.fs SOURCES core/TestFsClient.cpp core/TestFsClientRestart.cpp COMPONENTS ${kernel_components} path fs vfsd_protocol concurrent)
