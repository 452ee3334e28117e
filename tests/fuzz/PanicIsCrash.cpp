/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Linked into fuzz targets: makes a Vectra panic a crash libFuzzer can see. libFuzzer saves the
 * input that crashed only when it notices the crash (a signal, abort(), exit()); the hosted
 * platform ends the process after a panic with _exit(2), which libFuzzer never notices, so the
 * input would be lost. This definition takes the place of the C library's _exit in the fuzz
 * executable: a non-zero status becomes abort(), and libFuzzer writes the reproducer.
 */

#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

extern "C" void _exit(int status)
{
    if (status != 0)
        abort();
    syscall(SYS_exit_group, 0);
    __builtin_unreachable();
}
