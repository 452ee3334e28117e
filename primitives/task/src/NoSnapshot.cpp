/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CONFIG_DEBUG_SNAPSHOT=n: the executor keeps no table for `./vectra top`.
 */

#include <vectra/kernel/Snapshot.h>

namespace vectra::snapshot {

u64 next_due = ~u64(0);
void note_idle(Executor&, u64) { }
void write(Executor&, u64) { }
u8 const* table() { return nullptr; }
usize table_bytes() { return 0; }

}
