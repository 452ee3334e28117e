/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CONFIG_DOMAINS=n: SYSCALL stays disabled (EFER.SCE clear), so a SYSCALL faults as an invalid opcode;
 * one address space, so RAM above 4 GiB may be mapped and used (ADR 0027).
 */

#include "Descriptors.h"
#include "Paging.h"

namespace vectra::x86_64 {

void initialize_user_mode() { }

u64 usable_memory_end() { return paging::maximum_mapped_end; }

}
