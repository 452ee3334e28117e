/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Protection domains, the kernel side (CONFIG_DOMAINS=y; see vectra/Domain.h). The kernel keeps
 * a small table of named domains; each owns one platform address space and the list of Tasks
 * spawned into it. What a domain maps is recomputed from its members' capability spaces
 * whenever a MemCap or RingCap enters or leaves one of them, so the page tables never grant
 * more than the capabilities do.
 *
 * The shared libraries' data (core/ and the ports: errno, an allocation arena, libsodium's
 * chosen implementations, the High generator) is code every component links, so it cannot be
 * one domain's: each domain maps a private copy of it at the same addresses — as a process gets
 * its own copy of a shared library's data — made from the state it had before the first Task
 * ran. No domain sees another's, nor the kernel-mode Tasks', and kernel calls that name it reach
 * the caller's copy (user_memory).
 */

#include <string.h>
#include <vectra/Bundle.h>
#include <vectra/kernel/Domain.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/MemoryObject.h>
#include <vectra/kernel/Ring.h>
#include <vectra/Try.h>
#include <vectra/CallFrame.h>
#include <vectra/config.h>
#include <vectra/platform/ConsoleLine.h>
#include <vectra/platform/Domain.h>

extern "C" {
/* The platform's linker script: code and constants every domain maps, and the domains' data sections. */
extern char __user_text_start[];
extern char __user_text_end[];
extern char __user_rodata_start[];
extern char __user_rodata_end[];
extern char __domain_data_start[];
extern char __domain_data_end[];
extern char __library_data_start[];
extern char __library_data_end[];
}

namespace vectra {

class Domain final : public SpaceObserver {
public:
    static constexpr usize capacity = 16;
    static constexpr usize page = 4096;

    static ErrorOr<void> initialize();
    static ErrorOr<void> join(Task&, SpawnParameters const&);
    static void leave(Task&);
    static void activate(Task&);
    [[noreturn]] static void enter_user_mode(Task&);
    static u8* user_memory(Task const&, uptr, usize, bool);
    static bool alone_in_domain(Task const& task)
    {
        return task.m_domain && task.m_domain->m_members == &task && !task.m_next_in_domain;
    }
    static void set_preempted(Task& task, bool preempted)
    {
        if (task.m_domain)
            task.m_domain->m_preempted = preempted ? &task : nullptr;
    }
    static bool held_by_another(Task const& task)
    {
        return task.m_domain && task.m_domain->m_preempted && task.m_domain->m_preempted != &task;
    }
    static std::string_view name_of(Task const& task) { return task.m_domain ? task.m_domain->m_name.view() : std::string_view(); }

private:
    static ErrorOr<Domain*> find_or_create(SpawnParameters const&);
    void capabilities_changed(CapabilitySpace&, KernelObject&, CapabilityClass) override;
    void destroy();
    bool map(uptr start, uptr end, platform::UserAccess);
    u8* library_copy();

    FixedString<31> m_name;
    platform::AddressSpace* m_space { nullptr };
    uptr m_data_start { 0 };
    uptr m_data_end { 0 };
    Task* m_members { nullptr };
    /* A member switched away mid-user-code (ADR 0018): no other member runs until it resumes. */
    Task* m_preempted { nullptr };
};

namespace {

Domain s_domains[Domain::capacity];

/* The shared libraries' data as it was before the first Task ran, and each domain's copy of it (by table slot). */
constexpr usize library_data_capacity = CONFIG_DOMAIN_LIBRARY_DATA_KIB * KiB;
alignas(Domain::page) u8 s_library_pristine[library_data_capacity];
alignas(Domain::page) u8 s_library_copies[Domain::capacity][library_data_capacity];

uptr address(void const* pointer) { return reinterpret_cast<uptr>(pointer); }

usize library_data_size() { return address(__library_data_end) - address(__library_data_start); }

/*
 * User mode's first instructions: run the Task's entry and leave through the Exit call. Runs
 * unprivileged on the shared code, so it touches nothing but its arguments and its own stack.
 */
[[noreturn]] void user_task_start(TaskEntry entry)
{
    Bundle bundle; /* the Task's view of its own Bundle: every take is a kernel call */
    auto result = entry(bundle);
    kernel::CallFrame frame;
    frame.number = u64(kernel::Call::Exit);
    frame.arguments[0] = result.is_error() ? u64(1) : u64(u32(result.value()));
    frame.arguments[1] = result.is_error() ? u64(result.error().code()) : 0;
    platform::trap_call(frame);
    __builtin_trap(); /* Exit does not return; if it did, fault rather than run on */
}

}

ErrorOr<void> Domain::initialize()
{
    if (library_data_size() > library_data_capacity
        || (library_data_size() != 0 && address(__library_data_start) % page != 0))
        return Error(ErrorCode::OutOfMemory, "the shared libraries' data exceeds CONFIG_DOMAIN_LIBRARY_DATA_KIB");
    memcpy(s_library_pristine, __library_data_start, library_data_size());
    return {};
}

u8* Domain::library_copy() { return s_library_copies[this - s_domains]; }

bool Domain::map(uptr start, uptr end, platform::UserAccess access)
{
    if (start == end)
        return true;
    return platform::map_user(*m_space, start, end - start, access);
}

ErrorOr<Domain*> Domain::find_or_create(SpawnParameters const& parameters)
{
    uptr start = parameters.domain_data_start;
    uptr end = parameters.domain_data_end;
    /* Only a section the linker set apart for a domain may become a domain's writable data. */
    if (start % page != 0 || end % page != 0 || start > end || start < address(__domain_data_start)
        || end > address(__domain_data_end))
        return Error(ErrorCode::InvalidArgument, "a domain's data must be a page-aligned domain data section");
    if (parameters.domain.size() > 31)
        return Error(ErrorCode::NameTooLong, "domain names are 1 to 31 bytes");
    Domain* free_slot = nullptr;
    for (auto& domain : s_domains) {
        if (domain.m_space && domain.m_name == parameters.domain) {
            if (domain.m_data_start != start || domain.m_data_end != end)
                return Error(ErrorCode::InvalidArgument, "the domain already runs another component's data");
            return &domain;
        }
        if (!domain.m_space && !free_slot)
            free_slot = &domain;
    }
    if (!free_slot)
        return Error(ErrorCode::Full, "every protection domain is in use");
    Domain& domain = *free_slot;
    domain.m_space = platform::create_address_space();
    if (!domain.m_space)
        return Error(ErrorCode::OutOfMemory, "no page-table memory left for a protection domain");
    domain.m_name.clear();
    domain.m_name.append(parameters.domain);
    domain.m_data_start = start;
    domain.m_data_end = end;
    using platform::UserAccess;
    if (!domain.map(address(__user_text_start), address(__user_text_end), UserAccess::ReadExecute)
        || !domain.map(address(__user_rodata_start), address(__user_rodata_end), UserAccess::Read)
        || !domain.map(start, end, UserAccess::ReadWrite)) {
        domain.destroy();
        return Error(ErrorCode::OutOfMemory, "no page-table memory left for a protection domain");
    }
    /* The domain's own copy of the shared libraries' data, fresh from the boot-time state. */
    u8* copy = domain.library_copy();
    memcpy(copy, s_library_pristine, library_data_size());
    if (library_data_size() != 0 && !platform::map_user_frames(*domain.m_space, address(__library_data_start), library_data_size(),
            address(copy), UserAccess::ReadWrite)) {
        domain.destroy();
        return Error(ErrorCode::OutOfMemory, "no page-table memory left for a protection domain");
    }
    return &domain;
}

void Domain::destroy()
{
    platform::destroy_address_space(*m_space);
    m_space = nullptr;
    m_members = nullptr;
}

ErrorOr<void> Domain::join(Task& task, SpawnParameters const& parameters)
{
    if (parameters.domain.empty())
        return {};
    Domain* domain = TRY(find_or_create(parameters));
    uptr stack = task.m_user_stack_base;
    if (stack % page != 0 || task.m_user_stack_size % page != 0
        || !domain->map(stack, stack + task.m_user_stack_size, platform::UserAccess::ReadWrite)) {
        if (!domain->m_members)
            domain->destroy();
        return Error(ErrorCode::OutOfMemory, "no page-table memory left to map the Task's stack");
    }
    task.m_domain = domain;
    task.m_next_in_domain = domain->m_members;
    domain->m_members = &task;
    task.m_capabilities.set_observer(domain);
    return {};
}

void Domain::leave(Task& task)
{
    Domain* domain = task.m_domain;
    if (!domain)
        return;
    for (Task** link = &domain->m_members; *link; link = &(*link)->m_next_in_domain) {
        if (*link == &task) {
            *link = task.m_next_in_domain;
            break;
        }
    }
    task.m_next_in_domain = nullptr;
    task.m_capabilities.set_observer(nullptr);
    task.m_domain = nullptr;
    if (domain->m_preempted == &task)
        domain->m_preempted = nullptr;
    if (!domain->m_members) {
        domain->destroy();
        return;
    }
    (void)domain->map(task.m_user_stack_base, task.m_user_stack_base + task.m_user_stack_size,
        platform::UserAccess::None);
}

void Domain::capabilities_changed(CapabilitySpace&, KernelObject& object, CapabilityClass capability_class)
{
    using platform::UserAccess;
    Rights rights = 0;
    for (Task* member = m_members; member; member = member->m_next_in_domain)
        rights |= member->m_capabilities.rights_over(object, capability_class);
    std::span<u8> pages;
    UserAccess access = UserAccess::None;
    if (capability_class == CapabilityClass::Memory) {
        pages = static_cast<MemoryObject&>(object).pages();
        if ((rights & (RightRead | RightWrite)) == (RightRead | RightWrite))
            access = UserAccess::ReadWrite;
        else if (rights & RightRead)
            access = UserAccess::Read;
    } else if (capability_class == CapabilityClass::Ring) {
        /* The producer writes slots; the consumer only reads them. Head, tail and bindings stay the kernel's. */
        pages = static_cast<Ring&>(object).slot_memory();
        if (rights & RightSend)
            access = UserAccess::ReadWrite;
        else if (rights & (RightReceive | RightRead))
            access = UserAccess::Read;
    } else {
        return;
    }
    uptr start = address(pages.data());
    if (start % page != 0 || pages.size() % page != 0)
        return; /* never mapped: it shares pages with something else */
    if (!map(start, start + pages.size(), access)) {
        platform::console_format("vectra: domain {}: no page-table memory left to map {:#x}+{:#x}; it stays unmapped",
            m_name.view(), start, pages.size());
    }
}

void Domain::activate(Task& task)
{
    platform::activate_domain(task.m_domain ? task.m_domain->m_space : nullptr, task.m_stack_base + task.m_stack_size);
}

void Domain::enter_user_mode(Task& task)
{
    VERIFY(task.m_domain != nullptr);
    platform::enter_user(*task.m_domain->m_space, address(reinterpret_cast<void const*>(&user_task_start)),
        task.m_user_stack_base + task.m_user_stack_size, address(reinterpret_cast<void const*>(task.m_entry)), 0);
}

u8* Domain::user_memory(Task const& task, uptr start, usize length, bool writable)
{
    if (!task.m_domain)
        return reinterpret_cast<u8*>(start);
    if (start + length < start || !platform::user_may_access(*task.m_domain->m_space, start, length, writable))
        return nullptr;
    uptr library_start = address(__library_data_start);
    uptr library_end = address(__library_data_end);
    if (start >= library_end || start + length <= library_start)
        return reinterpret_cast<u8*>(start);
    /* The domain's copy: a range that also reaches past the libraries' data has no one place in the kernel's view. */
    if (start < library_start || start + length > library_end)
        return nullptr;
    return task.m_domain->library_copy() + (start - library_start);
}

}

namespace vectra::domains {

ErrorOr<void> initialize() { return Domain::initialize(); }
ErrorOr<void> join(Task& task, SpawnParameters const& parameters) { return Domain::join(task, parameters); }
void leave(Task& task) { Domain::leave(task); }
void activate(Task& task) { Domain::activate(task); }
void enter_user_mode(Task& task) { Domain::enter_user_mode(task); }
u8* user_memory(Task const& task, uptr address, usize length, bool writable)
{
    return Domain::user_memory(task, address, length, writable);
}
std::string_view name_of(Task const& task) { return Domain::name_of(task); }
bool alone_in_domain(Task const& task) { return Domain::alone_in_domain(task); }
void set_preempted(Task& task, bool preempted) { Domain::set_preempted(task, preempted); }
bool held_by_another(Task const& task) { return Domain::held_by_another(task); }

}
