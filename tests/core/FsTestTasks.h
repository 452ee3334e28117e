/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the fs client tests' Tasks share: a vfsd server's start (its Bundle's memory and Rings
 * bound, a RAM filesystem made) and an expectation that ends a Task with its failing condition.
 */

#pragma once

#include <string>
#include <vectra/Executor.h>
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
    auto& self = this_task();
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto inbox = TRY(RingReceiver::bind(self.capabilities(), requests, vfs::schema_id, self.signals(), SignalBit(0)));
    auto outbox = TRY(RingSender::bind(self.capabilities(), replies, vfs::schema_id, self.signals(), SignalBit(1)));
    Reticle* reticle = TRY(self.capabilities().lookup(memory, RightRetype));
    auto* filesystem = TRY(vfs::RamFilesystem::try_create(*reticle, 32, 64));
    return ServedFilesystem { inbox, outbox, filesystem };
}

}
