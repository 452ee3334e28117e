/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Guard pages (Paging.cpp implements platform::page_size and platform::set_page_guard).
 */

#pragma once

namespace vectra::x86_64 {

/* Makes the page below the boot stack (which becomes the scheduler's stack) inaccessible. */
void guard_boot_stack();

}
