/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Guard pages on the hosted platform: mprotect(). The granule is the host's page size.
 */

#include <sys/mman.h>
#include <unistd.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform {

usize page_size() { return static_cast<usize>(sysconf(_SC_PAGESIZE)); }

bool set_page_guard(uptr page_address, bool guarded)
{
    usize size = page_size();
    if (page_address % size != 0)
        return false;
    /* Memory the platform hands out is read-write, never executable: unguarding restores that.
       mprotect refuses (ENOMEM) pages the process has not mapped. */
    int protection = guarded ? PROT_NONE : PROT_READ | PROT_WRITE;
    return mprotect(reinterpret_cast<void*>(page_address), size, protection) == 0;
}

}
