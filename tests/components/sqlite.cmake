# SPDX-License-Identifier: Apache-2.0
# SQLite on vfsd: the VFS against vfsd's real session loop, two Tasks over real Rings.
vectra_host_test(components.sqlite SOURCES components/TestSqlite.cpp
    COMPONENTS ${kernel_components} path encoding time random concurrent fs vfsd_protocol sqlite sqlite_port)
