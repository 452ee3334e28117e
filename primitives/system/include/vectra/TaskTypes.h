/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A Task as its parent and supervisor see it: how to ask for one, and what it reports.
 */

#pragma once

#include <string_view>
#include <vectra/Error.h>
#include <vectra/FixedString.h>
#include <vectra/SignalBit.h>
#include <vectra/Types.h>

namespace vectra {

class Bundle;

/* The entry shape of every Task: its Bundle in, an exit status (or an error) out. */
using TaskEntry = ErrorOr<i32> (*)(Bundle&);

/* The "two clocks" rule: Person-clock work runs before Network-clock work. */
enum class Band : u8 {
    Person = 0,
    Network = 1,
};

/*
 * The preemption slice (ADR 0018): a Task running in user mode alone in its protection domain
 * is made to yield after running this long, so a spinning Task delays a ready Person-band Task
 * by at most about one slice.
 */
inline constexpr u64 preemption_slice_nanoseconds = 1'000'000;

enum class TaskState : u8 {
    Runnable,
    Waiting,
    Exited,
};

/* Why a Task stopped, as its supervisor learns it. */
enum class ExitCause : u8 {
    Returned, /* the entry returned a status */
    Failed,   /* the entry returned an error */
    Panicked, /* a VERIFY, MUST or PANIC failed inside the Task */
    Faulted,  /* the CPU faulted while running the Task (a stack overflow hits its guard page) */
    Stopped,  /* its last TaskCap was deleted (revoked, or its holder exited) while it ran */
};

[[nodiscard]] char const* exit_cause_name(ExitCause);

/*
 * Where a Task runs (ADR 0026). A CPU index (0 the boot CPU) pins it there — a CPU past those
 * that run Tasks wraps around (index modulo their count); `processor_any` places it round-robin
 * over the CPUs that run Tasks and lets an idle CPU steal it; `processor_boot` (the default) is
 * CPU 0, pinned: the core libraries' shared state (the allocation arena, errno, the generator)
 * assumes one CPU, so only a Task that asks runs elsewhere.
 */
inline constexpr u32 processor_boot = 0;
inline constexpr u32 processor_any = 0xffff'ffff;

/* What a parent asks for when it spawns a Task (system::spawn). */
struct SpawnRequest {
    std::string_view name;
    TaskEntry entry { nullptr };
    usize stack_size { 32 * KiB };
    Band band { Band::Person };
    /* Raised in the spawner's own Signal Mask when the Task exits (none if not set). */
    bool notify_on_exit { false };
    SignalBit exit_bit { 63 };
    /*
     * A protection domain to run in (CONFIG_DOMAINS; empty: none), and the page-aligned data
     * section of the component it runs, as the boot manifest names them.
     */
    std::string_view domain {};
    uptr domain_data_start { 0 };
    uptr domain_data_end { 0 };
    /* Its CPU (see processor_any); a Task in a protection domain runs on CPU 0. */
    u32 processor { processor_boot };
};

/* What the holder of a TaskCap with RightRead learns of the Task (system::task_status). */
struct TaskStatus {
    FixedString<31> name;
    TaskState state { TaskState::Runnable };
    Band band { Band::Person };
    ExitCause exit_cause { ExitCause::Returned };
    i32 exit_status { 0 };
    ErrorCode exit_error { ErrorCode::None };
    char const* exit_error_message { nullptr }; /* read-only image data */
    /* A panic's or fault's message (a string in read-only image data) and a fault's address. */
    char const* failure_message { nullptr };
    u64 failure_address { 0 };
    /* The guard page below the stack its code runs on (in a domain, the user stack); 0 when the
       platform cannot guard pages. */
    uptr guard_page { 0 };
    u64 switches { 0 };
    /* The CPU it belongs to now, and how often an idle CPU took it from another (ADR 0026). */
    u32 processor { 0 };
    u32 migrations { 0 };
    /* How many deadline interrupts the platform has reported to that CPU's executor (its own
       timer's, ADR 0033/0034): a Task that sleeps N times there sees it grow by at least N. */
    u64 processor_deadline_interrupts { 0 };
};

namespace kernel {

/*
 * The first Task. The image's init service defines it (services/initd); the kernel spawns it
 * with a Bundle holding "console", "memory" (all free RAM), "tasks" and "irq-software".
 */
[[nodiscard]] ErrorOr<i32> initial_task_entry(Bundle&);

}

}
