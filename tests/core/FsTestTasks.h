/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the fs client tests' Tasks share: a vfsd server's start (its Bundle's memory and Rings
 * bound, a RAM filesystem made) and an expectation that ends a Task with its failing condition.
 */

#pragma once

#include <string>
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/Try.h>
#include <vfsd/Server.h>

namespace vectra::test {

/* The condition a Task's EXPECT_IN_TASK failed on; the test prints it after the Task ends. */
inline std::string& task_failure()
{
    static std::string failure;
    return failure;
}

#define EXPECT_IN_TASK(condition)                           \
    do {                                                    \
        if (!(condition)) {                                 \
            ::vectra::test::task_failure() = #condition;    \
            return 1;                                       \
        }                                                   \
    } while (0)

/* A vfsd server Task's start: its "requests" and "replies" Rings bound, a filesystem in its "memory". */
struct ServedFilesystem {
    RingReceiver inbox;
    RingSender outbox;
    vfs::RamFilesystem* filesystem;
};

inline ErrorOr<ServedFilesystem> start_server(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto inbox = TRY(RingReceiver::bind(requests, vfs::schema_id, SignalBit(0)));
    auto outbox = TRY(RingSender::bind(replies, vfs::schema_id, SignalBit(1)));
    auto tables = TRY(system::create_memory(memory, vfs::RamFilesystem::bytes_needed(32, 64)));
    auto* filesystem = TRY(vfs::RamFilesystem::try_create(TRY(system::map_memory(tables)), 32, 64));
    return ServedFilesystem { inbox, outbox, filesystem };
}

}
