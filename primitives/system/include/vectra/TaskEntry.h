/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Bundle.h>
#include <vectra/Error.h>

/*
 * Task entry points are registered by the component that defines them, never listed by the
 * kernel. A component's source says, at file scope,
 *
 *     VECTRA_TASK_ENTRY(my_service);
 *
 * which declares `ErrorOr<i32> vectra::task_entries::my_service(Bundle&)` (its definition must match,
 * or it does not compile). The manifest compiler checks at configure time that the component
 * owning an entry's footprint registers it, and the table it generates for the init service says the same
 * line for every entry it names and takes its address: an image whose manifest names an entry no
 * enabled component defines fails to link, naming it.
 */
#define VECTRA_TASK_ENTRY(name)                           \
    namespace vectra::task_entries {                      \
    [[nodiscard]] ErrorOr<i32> name(Bundle&);             \
    }                                                     \
    static_assert(true, "VECTRA_TASK_ENTRY ends with a semicolon")

/*
 * The image's first Task: the kernel spawns `kernel::initial_task_entry` (Kernel.h) under this
 * name. The init service defines both; `VECTRA_INITIAL_TASK_NAME("name");` at file scope in its
 * source defines the name.
 */
namespace vectra::kernel {
extern char const initial_task_name[];

/*
 * The image's name, printed at boot. Defined by the image's generated boot manifest, not by the
 * configuration, so images whose configurations are the same share every other object.
 */
extern char const image_name[];
}

#define VECTRA_INITIAL_TASK_NAME(text) constinit char const vectra::kernel::initial_task_name[] = text
