/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

namespace vectra::sqlite {

/* Registers SQLite's default VFS (src/Vfs.cpp): randomness, time and sleep, no files. sqlite3_os_init calls it. */
int register_base_vfs();

}
