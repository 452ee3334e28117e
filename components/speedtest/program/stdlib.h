/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <stdlib.h> for a C program run inside a Task: the standard names of vectra_program.h's exit
 * (back to the Task, with the status), malloc (null: SQLite's memory is the Engine's, on the
 * Task's Reticle), free (of null) and atoi.
 */

#ifndef VECTRA_PROGRAM_STDLIB_H
#define VECTRA_PROGRAM_STDLIB_H

#include "vectra_program.h"

#define exit vectra_program_exit
#define malloc vectra_program_malloc
#define free vectra_program_free
#define atoi vectra_program_atoi

#endif
