/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <atomic>

#include <span>
#include <string_view>
#include <vectra/Badge.h>
#include <vectra/TaskTypes.h>
#include <vectra/kernel/Bundle.h>
#include <vectra/Error.h>
#include <vectra/FixedString.h>
#include <vectra/kernel/Reticle.h>
#include <vectra/kernel/Ring.h>
#include <vectra/kernel/SignalMask.h>
#include <vectra/platform/Platform.h>
#include <vectra/Types.h>

namespace vectra {

class Task;

/* The kernel's spawn parameters (system::spawn fills them from a SpawnRequest). */
struct SpawnParameters {
    std::string_view name;
    TaskEntry entry { nullptr };
    usize stack_size { 32 * KiB };
    Band band { Band::Person };
    /* Raised in the supervisor's mask when the Task exits. */
    SignalMask* supervisor_mask { nullptr };
    SignalBit exit_bit { 63 };
    /*
     * A protection domain (CONFIG_DOMAINS): empty for none. Tasks naming the same domain share
     * its page tables; `domain_data` is the page-aligned data section of the component the
     * domain runs (the manifest compiler links each domain's component data apart).
     */
    std::string_view domain {};
    uptr domain_data_start { 0 };
    uptr domain_data_end { 0 };
    /* Its CPU: an index (pinned), processor_any (round-robin, may be stolen) — TaskTypes.h. */
    u32 processor { processor_boot };
};

class Domain;

/*
 * A Task is a cooperative fiber with its own stack, carved from the Reticle it was given, and
 * its own Signal Mask and Bundle. It is created only by Executor::spawn and inherits nothing
 * but what its parent placed in its Bundle.
 */
class Executor;

class Task final : public KernelObject {
public:
    Task(Badge<Executor>, Reticle& reticle, SpawnParameters const&);
    Task(Task const&) = delete;
    Task& operator=(Task const&) = delete;

    [[nodiscard]] std::string_view name() const { return m_name.view(); }
    [[nodiscard]] TaskState state() const { return m_state; }
    [[nodiscard]] Band band() const { return m_band; }
    [[nodiscard]] SignalMask& signals() { return m_signals; }
    [[nodiscard]] CapabilitySpace& capabilities() { return m_capabilities; }
    [[nodiscard]] BundleObject& bundle() { return m_bundle; }
    [[nodiscard]] Reticle& reticle() { return m_reticle; }
    [[nodiscard]] i32 exit_status() const { return m_exit_status; }
    [[nodiscard]] ExitCause exit_cause() const { return m_exit_cause; }
    [[nodiscard]] Error exit_error() const { return m_exit_error; }
    [[nodiscard]] u64 waiting_for() const { return m_wait_mask; }
    [[nodiscard]] uptr stack_base() const { return m_stack_base; }
    [[nodiscard]] usize stack_size() const { return m_stack_size; }
    /* The guard page below the stack (0 when the platform cannot guard pages). */
    [[nodiscard]] uptr guard_page() const { return m_guard_page; }
    /* Where a panic or fault happened: the message and (for faults) the faulting address. */
    [[nodiscard]] char const* failure_message() const { return m_failure_message; }
    [[nodiscard]] u64 failure_address() const { return m_failure_address; }
    [[nodiscard]] bool is_listed() const { return m_listed; }
    [[nodiscard]] bool has_run() const { return m_switches != 0; }
    [[nodiscard]] u64 switches() const { return m_switches; }
    /* Nanoseconds it ran: from each switch to it until the next switch or idle (Executor), counted
       in the platform's cycles on the switch path and converted here. */
    [[nodiscard]] u64 time_used() const { return platform::cycles_to_nanoseconds(m_cycles_used); }
    /* The executor it belongs to (one at a time, ADR 0026); whether it may move; how often it did. */
    [[nodiscard]] Executor& executor() const { return *m_executor; }
    [[nodiscard]] bool is_pinned() const { return m_pinned; }
    [[nodiscard]] u32 migrations() const { return m_migrations; }
    /* The next Task on the executor's list (Executor::tasks()), or nullptr. */
    [[nodiscard]] Task* next_listed() const { return m_next; }

    /*
     * The Ring ends this Task bound through kernel calls; a RingSender or RingReceiver names
     * one by (index, generation). The kernel-side end keeps its own validity (Ring.h), so a
     * slot only needs to say which kind it holds.
     */
    struct RingBindingSlot {
        enum class Kind : u8 {
            Free,
            Producer,
            Consumer,
        };
        RingBindingSlot()
            : producer()
        {
        }
        Kind kind { Kind::Free };
        u32 generation { 0 };
        union {
            RingProducer producer;
            RingConsumer consumer;
        };
    };
    static constexpr usize ring_binding_capacity = 32;
    [[nodiscard]] std::span<RingBindingSlot> ring_bindings() { return m_ring_bindings; }
    /* Its protection domain, or nullptr (vectra/Domain.h). */
    [[nodiscard]] Domain* domain() const { return m_domain; }
    /* A Task in a domain runs user mode on this stack; its fiber stack is its kernel stack. */
    [[nodiscard]] uptr user_stack_base() const { return m_user_stack_base; }
    [[nodiscard]] usize user_stack_size() const { return m_user_stack_size; }

private:
    friend class Executor;
    friend class Domain;
    /* The last TaskCap is gone: a running Task is stopped, an exited one forgotten. */
    void tear_down() override;
    void retired() override;

    FixedString<31> m_name;
    TaskState m_state { TaskState::Runnable };
    Band m_band { Band::Person };
    SignalMask m_signals;
    CapabilitySpace m_capabilities;
    u64 m_wait_mask { 0 };
    u64 m_deadline { 0 };       /* monotonic ns; 0 = none */
    SignalBit m_deadline_bit { 0 };
    BundleObject m_bundle;
    Reticle& m_reticle;
    TaskEntry m_entry { nullptr };
    void* m_context { nullptr }; /* Boost.Context fcontext_t while the Task is switched out */
    uptr m_stack_base { 0 };
    usize m_stack_size { 0 };
    uptr m_guard_page { 0 };
    char const* m_failure_message { nullptr };
    u64 m_failure_address { 0 };
    i32 m_exit_status { 0 };
    ExitCause m_exit_cause { ExitCause::Returned };
    Error m_exit_error { ErrorCode::None, nullptr };
    SignalMask* m_supervisor_mask { nullptr };
    SignalBit m_exit_bit { 63 };
    Task* m_next { nullptr }; /* the Executor's list of every Task */
    Executor* m_executor { nullptr };
    /* Spawned onto another CPU by a running Task: held until that Task next leaves its CPU (its
       spawner fills its Bundle first, as on one CPU). The spawner's executor keeps the list, under
       its lock; the child's executor reads the gate under its own (ADR 0026 §15), so it is atomic. */
    std::atomic<Executor*> m_start_gate { nullptr };
    Task* m_next_gated { nullptr };
    bool m_pinned { true };
    u32 m_migrations { 0 };
    bool m_listed { false };  /* on that list (a reference: see KernelObject) */
    bool m_in_timed_wait { false };
    std::atomic<bool> m_exited { false }; /* m_state became Exited: for a scheduler waiting on another CPU's Task */
    bool m_stop_requested { false }; /* its own last TaskCap went while it ran: it ends at its next wait */
    u64 m_switches { 0 };
    u64 m_cycles_used { 0 };
    RingBindingSlot m_ring_bindings[ring_binding_capacity];
    Domain* m_domain { nullptr };
    Task* m_next_in_domain { nullptr };
    uptr m_user_stack_base { 0 };
    usize m_user_stack_size { 0 };
};

}
