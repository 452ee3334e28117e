/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CONFIG_DOMAINS=n: SYSCALL stays disabled (EFER.SCE clear), so a SYSCALL faults as an invalid opcode.
 */

namespace vectra::x86_64 {

void initialize_user_mode() { }

}
