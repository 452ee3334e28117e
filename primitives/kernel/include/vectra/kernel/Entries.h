/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Bundle.h>
#include <vectra/Error.h>

/*
 * Task entry points, by name. A boot manifest names entries; the manifest compiler emits
 * references to these functions, so an image whose manifest names an entry no enabled
 * component defines fails to link, naming it.
 */
namespace vectra::task_entries {

ErrorOr<i32> vfsd(Bundle&);
ErrorOr<i32> vfs_selfcheck(Bundle&);
ErrorOr<i32> crash_fault(Bundle&);
ErrorOr<i32> crash_panic(Bundle&);
ErrorOr<i32> bench_primitives(Bundle&);
ErrorOr<i32> flaky_echo(Bundle&);
ErrorOr<i32> doomed(Bundle&);
ErrorOr<i32> supervision_check(Bundle&);
ErrorOr<i32> stack_hog(Bundle&);
ErrorOr<i32> survivor(Bundle&);
ErrorOr<i32> signals_check(Bundle&);
ErrorOr<i32> counter_producer(Bundle&);
ErrorOr<i32> crypto_selftest(Bundle&);
ErrorOr<i32> encoding_selftest(Bundle&);
ErrorOr<i32> hostile_read(Bundle&);
ErrorOr<i32> hostile_ring(Bundle&);
ErrorOr<i32> hostile_memcap(Bundle&);
ErrorOr<i32> hostile_revoke(Bundle&);
ErrorOr<i32> hostile_forge(Bundle&);
ErrorOr<i32> hostile_frame(Bundle&);
ErrorOr<i32> hostile_execute(Bundle&);
ErrorOr<i32> hostile_privileged(Bundle&);
ErrorOr<i32> hostile_overflow(Bundle&);
ErrorOr<i32> isolation_witness(Bundle&);

}
