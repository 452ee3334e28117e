# SPDX-License-Identifier: Apache-2.0
vectra_host_test(services.vfsd SOURCES services/TestRamFilesystem.cpp services/TestVfsServer.cpp services/TestVfsBuffers.cpp services/TestVfsRouter.cpp services/TestMountTable.cpp
    COMPONENTS ${kernel_components} path encoding time concurrent fs process vfsd_protocol)
# The memory formula of vfsd's footprint (checked against manifests at configure time) must hold
# the filesystem it describes: the test builds one in exactly that much memory.
file(READ ${CMAKE_SOURCE_DIR}/services/vfsd/footprint.json vfsd_footprint)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/services/vfsd/footprint.json)
string(JSON vfsd_fixed_kib GET "${vfsd_footprint}" memory fixed_kib)
string(JSON vfsd_node_bytes GET "${vfsd_footprint}" memory bytes_per CONFIG_VFSD_NODES)
string(JSON vfsd_block_bytes GET "${vfsd_footprint}" memory bytes_per CONFIG_VFSD_BLOCKS)
target_compile_definitions(test_services.vfsd PRIVATE VFSD_FOOTPRINT_FIXED_KIB=${vfsd_fixed_kib}
    VFSD_FOOTPRINT_NODE_BYTES=${vfsd_node_bytes} VFSD_FOOTPRINT_BLOCK_BYTES=${vfsd_block_bytes})
vectra_fuzz_target(vfsd_request SOURCES fuzz/FuzzVfsRequest.cpp
    COMPONENTS ${kernel_components} path encoding time concurrent fs process vfsd_protocol)
# vfsd_disks' configuration (ADR 0037): any bytes through the checked decoder into a mount table.
vectra_fuzz_target(vfsd_configuration SOURCES fuzz/FuzzVfsdConfiguration.cpp
    COMPONENTS ${kernel_components} path encoding time concurrent fs process vfsd_protocol)
# vfsd with a `fat` mount on a volume made by mkfs.fat, checked by fsck.fat -n and mtools (ADR 0022).
vectra_host_test(services.vfsd_fat SOURCES services/TestVfsFat.cpp services/TestVfsCachingDevice.cpp
    COMPONENTS ${kernel_components} path encoding time concurrent fs vfsd_protocol fat vfsd_fat)
# vfsd with a `store` mount (the crash-safe store, ADR 0023) on a disk in memory: every message, refusals, remounts.
vectra_host_test(services.vfsd_store SOURCES services/TestVfsStore.cpp
    COMPONENTS ${kernel_components} path encoding time concurrent fs block vfsd_protocol store vfsd_store)
# SQLite (components/sqlite's VFS over a real vfsd session) on a `store` mount: committed rows survive a cut and a remount.
vectra_host_test(services.vfsd_store_sqlite SOURCES services/TestVfsStoreSqlite.cpp
    COMPONENTS ${kernel_components} path encoding time random concurrent fs block vfsd_protocol store vfsd_store sqlite sqlite_port)
# Power cuts under SQLite transactions mixed with plain file work on a `store` mount (hostblk's PowerCut
# below the store): after each of 200 cuts, integrity_check ok, committed there, uncommitted not; a mutation caught.
vectra_host_test(services.vfsd_store_sqlite_power_cuts SOURCES services/TestVfsStoreSqlitePowerCuts.cpp
    COMPONENTS ${kernel_components} path encoding time random concurrent fs block vfsd_protocol store vfsd_store
    hostblk_driver sqlite sqlite_port)
