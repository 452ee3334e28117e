/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <unistd.h> for a C program run inside a Task: unlink removes nothing (the program's files are
 * its library's: speedtest1 deletes its database through the VFS's xDelete first).
 */

#ifndef VECTRA_PROGRAM_UNISTD_H
#define VECTRA_PROGRAM_UNISTD_H

#include "vectra_program.h"

#define unlink vectra_program_unlink

#endif
