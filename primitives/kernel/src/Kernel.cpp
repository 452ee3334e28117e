/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Boot, shutdown, panic and fault reporting: the whole life of an image in one file.
 */

#include <vectra/kernel/Domain.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Reticle.h>
#include <vectra/CallFrame.h>
#include <vectra/FixedString.h>
#include <vectra/Format.h>
#include <vectra/Try.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/BlockDevice.h>
#include <vectra/kernel/Display.h>
#include <vectra/kernel/Entropy.h>
#include <vectra/kernel/Snapshot.h>
#include <vectra/kernel/SnapshotDevice.h>
#include <vectra/kernel/I8042.h>
#include <vectra/kernel/HostInput.h>
#include <vectra/kernel/HostSockets.h>
#include <vectra/kernel/Init.h>
#include <vectra/kernel/KernelLock.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/kernel/MmioSlot.h>
#include <vectra/kernel/PciDevice.h>
#include <vectra/platform/HostInput.h>
#include <vectra/platform/HostSockets.h>
#include <vectra/TaskEntry.h>

namespace vectra::kernel {

namespace {

constexpr usize init_table_capacity = 64;

/* The boot CPU's record of what ran, so shutdown can undo it in reverse. */
struct InitRecord {
    InitEntry const* entries[init_table_capacity] {};
    usize count { 0 };
    usize completed { 0 };
};
InitRecord s_init_record;
bool s_powering_off = false;

ErrorOr<void> run_init_classes()
{
    TRY(sorted_init_entries(s_init_record.entries, init_table_capacity, s_init_record.count));
    for (usize index = 0; index < s_init_record.count; ++index) {
        InitEntry const& entry = *s_init_record.entries[index];
        if (entry.init) {
            auto result = entry.init();
            if (result.is_error()) {
                console_format("vectra: init {} failed: {} ({})", entry.name, error_code_name(result.error().code()),
                    result.error().message());
                return result.release_error();
            }
        }
        s_init_record.completed = index + 1;
    }
    return {};
}

void run_fini_classes()
{
    for (usize index = s_init_record.completed; index > 0; --index) {
        InitEntry const& entry = *s_init_record.entries[index - 1];
        if (entry.fini)
            entry.fini();
    }
    s_init_record.completed = 0;
}

std::string_view current_task_name()
{
    auto& executor = Executor::current();
    return executor.in_task() ? executor.current_task().name() : std::string_view("kernel");
}

[[noreturn]] void stop(platform::ExitStatus status)
{
    console_format("vectra: power off, status {}", static_cast<int>(status));
    platform::power_off(status);
}

/*
 * A panic or fault on a CPU holding an executor's lock is inside the scheduler's own state (a
 * switch, a pick, a steal): ending the Task would take that lock again and wait for itself, and
 * the big lock, ranked first, could be another CPU's that waits for this one. The image stops.
 */
void stop_if_holding_executor_lock(platform::ExitStatus status, char const* what, uptr address)
{
    u32 self = platform::processor_running_this();
    if (self == platform::no_processor || !Executor::lock_held_by(self))
        return;
    if (address != 0)
        console_format("vectra: cpu {}: {} at pc={:#x} while holding an executor's lock: in the scheduler's own "
                       "state, so the image stops",
            self, what, address);
    else
        console_format("vectra: cpu {}: {} while holding an executor's lock: in the scheduler's own state, so the "
                       "image stops",
            self, what);
    stop(status);
}

ErrorOr<Reticle*> create_root_reticle(platform::MemoryMap const& map)
{
    platform::MemoryRegion const* largest = nullptr;
    for (usize index = 0; index < map.count; ++index) {
        if (!largest || map.regions[index].size > largest->size)
            largest = &map.regions[index];
    }
    if (!largest || largest->size < 1 * MiB)
        return Error(ErrorCode::OutOfMemory, "the platform reported no usable memory region of at least 1 MiB");
    /* The root Reticle's descriptor sits at the start of the region it describes. */
    uptr base = align_up(largest->base, alignof(Reticle));
    uptr usable = align_up(base + sizeof(Reticle), 4096);
    usize size = largest->size - (usable - largest->base);
    return new (reinterpret_cast<void*>(base)) Reticle(usable, size);
}

ErrorOr<i32> boot_and_run(platform::BootInfo const& boot_info)
{
    TRY(run_init_classes());
    TRY(start_processors());
    /* Before any Task runs: the shared libraries' data as every new domain's copy starts. */
    TRY(domains::initialize());
    Reticle* root = TRY(create_root_reticle(boot_info.free_memory));
    console_format("vectra: {} MiB of memory in the root Reticle", root->size() / MiB);
    (void)pci_boot();
    mmio_slots_boot();
    i8042_boot();
    /* The platform's own hardware source, credited as it gives (none on aarch64 without RNDR: ADR 0025 §3). */
    console_format("vectra: entropy pool: {} bytes credited by the platform at boot", kernel::entropy_boot());
    Task* initial = TRY(spawn_initial_task(*root));
    i32 status = TRY(Executor::current().run_until_exit(*initial));
    report_processors();
    /* Where the run's memory came from (on x86_64 with -m 6G, above 4 GiB: ADR 0027). */
    console_format("vectra: the root Reticle at {:#x} handed out {} KiB, up to address {:#x}", root->base(),
        root->used() / KiB, root->base() + (root->used() ? root->used() - 1 : 0));
    if (initial->exit_cause() == ExitCause::Failed) {
        console_format("vectra: {} failed: {} ({})", initial_task_name, error_code_name(initial->exit_error().code()),
            initial->exit_error().message());
    }
    return status;
}

}

ErrorOr<Task*> spawn_initial_task(Reticle& root, TaskEntry entry)
{
    auto* console = TRY(root.try_create<ConsoleDevice>(&root));
    auto* software_interrupt = TRY(root.try_create<InterruptLine>(platform::software_interrupt_line(), &root));
    DisplayDevice* display = TRY(create_boot_display(root));
    SpawnParameters parameters;
    parameters.name = initial_task_name;
    parameters.entry = entry;
    parameters.stack_size = 64 * KiB;
    Task* initial = TRY(Executor::current().spawn(root, parameters));
    /* The first Task's authority: minted straight into its own space and named in its Bundle. */
    auto& space = initial->capabilities();
    auto& bundle = initial->bundle();
    TRY(bundle.give("console", space, TRY(space.mint<CapabilityClass::Device>(console, RightWrite | RightGrant))));
    TRY(bundle.give("memory", space, TRY(space.mint<CapabilityClass::Reticle>(&root, RightRetype | RightGrant | RightRevoke | RightMove))));
    TRY(bundle.give("tasks", space, TRY(space.mint<CapabilityClass::Task>(initial, RightSpawn | RightGrant | RightMove))));
    TRY(bundle.give("irq-software", space,
        TRY(space.mint<CapabilityClass::Irq>(software_interrupt, RightReceive | RightRead | RightGrant))));
    /* The PCI bus, when the machine has one: the authority to open each enumerated function. */
    if (pci_present()) {
        auto* bus = TRY(root.try_create<PciBusDevice>(&root));
        TRY(bundle.give("pci", space, TRY(space.mint<CapabilityClass::Device>(bus, RightRead))));
    }
    /* The occupied virtio-mmio slots, when the machine has any (ADR 0025). */
    if (mmio_slots_present() != 0) {
        auto* slots = TRY(root.try_create<MmioBusDevice>(&root));
        TRY(bundle.give("virtio-mmio", space, TRY(space.mint<CapabilityClass::Device>(slots, RightRead))));
    }
    if (display)
        TRY(bundle.give("display", space,
            TRY(space.mint<CapabilityClass::Device>(display, RightRead | RightWrite | RightGrant | RightRevoke))));
    /* The machine's own disks (the hosted process's --disk= files), one DeviceCap each (ADR 0017). */
    for (usize index = 0; index < platform::disk_count(); ++index) {
        auto* disk = TRY(root.try_create<BlockDevice>(&root, index, platform::disk_geometry(index)));
        TRY(bundle.give(block_slot_name(index), space,
            TRY(space.mint<CapabilityClass::Device>(disk, RightRead | RightWrite | RightGrant | RightRevoke))));
    }
    /* The one EntropySource: feeding the kernel's pool, for the entropy driver the manifest names (ADR 0025 §3). */
    auto* entropy = TRY(root.try_create<EntropyDevice>(&root));
    TRY(bundle.give("entropy", space, TRY(space.mint<CapabilityClass::Device>(entropy, RightWrite | RightGrant | RightRevoke))));
    /* The debug snapshot, to read, for the Tasks the manifest names (ADR 0045): only when the kernel keeps one. */
    if (snapshot::table_bytes() > 0) {
        auto* snapshot = TRY(root.try_create<SnapshotDevice>(&root));
        TRY(bundle.give("snapshot", space, TRY(space.mint<CapabilityClass::Device>(snapshot, RightRead | RightGrant | RightRevoke))));
    }
    /* The i8042 keyboard controller (x86_64): its two ports and keyboard line, for the driver the manifest names. */
    if (i8042_present()) {
        auto* controller = TRY(root.try_create<I8042Device>(&root));
        TRY(bundle.give("i8042", space,
            TRY(space.mint<CapabilityClass::Device>(controller, RightRead | RightWrite | RightGrant | RightRevoke))));
    }
    /* The host's sockets (hosted only), confined to loopback addresses and the process's forwards (vectra/kernel/HostSockets.h). */
    if (platform::host_sockets_present()) {
        auto* sockets = TRY(root.try_create<HostSocketDevice>(&root, true));
        for (auto const& forward : platform::host_socket_forwards())
            TRY(sockets->add_forward(forward));
        TRY(bundle.give("host-sockets", space,
            TRY(space.mint<CapabilityClass::Device>(sockets, RightRead | RightWrite | RightGrant | RightRevoke))));
    }
    /* The window's keyboard and mouse (hosted with a window: ADR 0040 §6), after the display opened it. */
    if (platform::host_input_present()) {
        auto* input = TRY(root.try_create<HostInputDevice>(&root));
        TRY(bundle.give("input", space, TRY(space.mint<CapabilityClass::Device>(input, RightRead | RightGrant | RightRevoke))));
    }
    return initial;
}

void power_off_with_report(platform::ExitStatus status)
{
    if (!s_powering_off) {
        s_powering_off = true;
        run_fini_classes();
    }
    stop(status);
}

void boot(platform::BootInfo const& boot_info)
{
    console_format("vectra: booting image {} on {}", image_name, boot_info.platform_name);
    auto status = boot_and_run(boot_info);
    if (status.is_error() && status.error().code() == ErrorCode::Deadlock)
        power_off_with_report(platform::ExitStatus::Failure); /* the executor printed the report */
    if (status.is_error()) {
        console_format("vectra: boot failed: {} ({})", error_code_name(status.error().code()), status.error().message());
        power_off_with_report(platform::ExitStatus::Failure);
    }
    power_off_with_report(status.value() == 0 ? platform::ExitStatus::Success : platform::ExitStatus::Failure);
}

void cpu_fault(platform::FaultReport const& report)
{
    stop_if_holding_executor_lock(platform::ExitStatus::CpuFault, report.kind ? report.kind : "a fault",
        report.instruction_address);
    /* A fault in a Task's own code arrives without the kernel lock; one in the kernel with it. */
    if (!kernel_lock::held_here())
        kernel_lock::enter();
    /* A fault on another CPU outside a Task is in that CPU's scheduler or idle loop: the kernel's
       own, so it ends the image. One in a Task there ends that Task, as on CPU 0 (ADR 0033, 0034). */
    if (u32 processor = platform::current_processor(); processor != 0 && !Executor::current().in_task()) {
        console_format("FAULT: cpu {}: {} (vector {}) at pc={:#x} address={:#x} error={:#x} sp={:#x}", processor,
            report.kind ? report.kind : "unknown fault", report.vector, report.instruction_address,
            report.fault_address, report.error_code, report.stack_pointer);
        stop(platform::ExitStatus::CpuFault);
    }
    auto& executor = Executor::current();
    char const* hint = "";
    bool in_task = executor.in_task() && !s_powering_off;
    if (in_task) {
        Task& task = executor.current_task();
        /* The guard page sits just below the stack: touching it is an overflow. */
        uptr guard = task.guard_page();
        if (guard != 0 && report.fault_address >= guard && report.fault_address < task.stack_base())
            hint = " (stack overflow)";
        /* The page below a domain Task's user stack is never mapped (Executor::spawn). */
        uptr user_stack = task.user_stack_base();
        if (user_stack != 0 && report.fault_address < user_stack && report.fault_address + 4096 >= user_stack)
            hint = " (user stack overflow)";
    }
    /* A fault in user mode also names the protection domain whose page tables refused it. */
    std::string_view domain = in_task ? domains::name_of(executor.current_task()) : std::string_view();
    /* A relocated image also says where it was loaded, so the harness can name the source line. */
    FixedString<32> base;
    if (report.image_base != 0)
        format_into(base, " image_base={:#x}", report.image_base);
    console_format("FAULT: task {}: {}{} (vector {}) at pc={:#x} address={:#x} error={:#x} sp={:#x}{}{}{}",
        current_task_name(), report.kind ? report.kind : "unknown fault", hint, report.vector,
        report.instruction_address, report.fault_address, report.error_code, report.stack_pointer,
        domain.empty() ? "" : " domain=", domain, base.view());
    /* A fault in a Task ends that Task only; a fault in the kernel itself ends the image. */
    if (in_task)
        executor.fail_current(ExitCause::Faulted, report.kind ? report.kind : "unknown fault", report.fault_address);
    stop(platform::ExitStatus::CpuFault);
}

}

namespace vectra {

namespace {

/* A panic inside a Task ends that Task only; a panic in the kernel itself ends the image. */
[[noreturn]] void end_after_panic(char const* message)
{
    kernel::stop_if_holding_executor_lock(platform::ExitStatus::Panic, "a panic", 0);
    if (!kernel_lock::held_here())
        kernel_lock::enter();
    auto& executor = Executor::current();
    if (executor.in_task() && !kernel::s_powering_off)
        executor.fail_current(ExitCause::Panicked, message, 0);
    kernel::stop(platform::ExitStatus::Panic);
}

}

namespace {

/* A panic on another CPU outside a Task is the kernel's own (ADR 0020); inside one, it ends that Task. */
void stop_if_other_processor(char const* message, char const* file, int line)
{
    if (u32 processor = platform::current_processor(); processor != 0 && !Executor::current().in_task()) {
        kernel::console_format("PANIC: cpu {}: {} ({}:{})", processor, message, file, line);
        kernel::stop(platform::ExitStatus::Panic);
    }
}

/* Source names are relative to the tree; a build through ccache may still prefix "../" steps. */
char const* source_name(char const* file)
{
    while (file[0] == '.' && file[1] == '.' && file[2] == '/')
        file += 3;
    return file;
}

}

/*
 * A Task in a protection domain cannot print or end itself from user mode: it hands the panic to
 * the kernel (Call::Panic: message, file, each with its length, and the line), which reports it
 * and ends the Task like any other panic.
 */
[[noreturn]] void panic_from_domain(char const* message, char const* file, int line)
{
    kernel::CallFrame frame;
    frame.number = u64(kernel::Call::Panic);
    frame.arguments[0] = reinterpret_cast<uptr>(message);
    frame.arguments[1] = __builtin_strlen(message);
    frame.arguments[2] = reinterpret_cast<uptr>(file);
    frame.arguments[3] = __builtin_strlen(file);
    frame.arguments[4] = static_cast<u64>(line);
    kernel::enter(frame);
    __builtin_trap(); /* only if the kernel refused the frame: the fault ends the Task */
}

void panic(char const* message, char const* file, int line)
{
    if (platform::in_domain())
        panic_from_domain(message, source_name(file), line);
    file = source_name(file);
    stop_if_other_processor(message, file, line);
    kernel::console_format("PANIC: task {}: {} ({}:{})", kernel::current_task_name(), message, file, line);
    end_after_panic(message);
}

void panic_with_error(Error const& error, char const* expression, char const* file, int line)
{
    if (platform::in_domain())
        panic_from_domain(error.message() ? error.message() : expression, source_name(file), line);
    file = source_name(file);
    stop_if_other_processor(error.message() ? error.message() : expression, file, line);
    kernel::console_format("PANIC: task {}: MUST({}) failed: {} ({}) ({}:{})", kernel::current_task_name(), expression,
        error_code_name(error.code()), error.message(), file, line);
    end_after_panic(error.message());
}

}
