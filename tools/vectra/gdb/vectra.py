# SPDX-License-Identifier: Apache-2.0
"""gdb helpers for Vectra images, loaded by `./vectra debug` (gdb's `source`):

  vectra-tasks           every Task on the executor's list: name, state, band, signal bits it
                         waits for, stack range, switches (marks the running one with *)
  vectra-task-stack NAME the backtrace of a switched-out Task, from the context its last switch
                         saved (x86_64: hosted and the x86_64 platform)

They read the executor's data structures (primitives/task: Executor::m_tasks, Task::m_next); a
change there is a change here.
"""

import gdb

# Executor::s_executors (a static member since ADR 0026 §16); the older names for older images.
EXECUTOR_SYMBOLS = ("vectra::Executor::s_executors", "'vectra::(anonymous namespace)::s_executors'", "vectra::s_executors")
# Boost.Context's x86_64 SysV jump_fcontext saves, from the saved stack pointer up: the MXCSR and
# x87 control words (8 bytes), r12, r13, r14, r15, rbx, rbp, then the return address.
X86_64_FRAME = {"rbp": 0x30, "rip": 0x38}
X86_64_FRAME_SIZE = 0x40


def executor():
    for name in EXECUTOR_SYMBOLS:
        try:
            return gdb.parse_and_eval(name)[0]
        except gdb.error:
            continue
    raise gdb.GdbError("no executor symbol (s_executors) in this image: were symbols loaded?")


def tasks():
    state = executor()
    task = state["m_tasks"]
    seen = 0
    while int(task) != 0 and seen < 1024:  # bounded: a corrupted list must not hang gdb
        yield task.dereference()
        task = task.dereference()["m_next"]
        seen += 1


def task_name(task) -> str:
    name = task["m_name"]
    length = int(name["m_length"])
    data = name["m_data"]
    return bytes(int(data[index]) & 0xFF for index in range(min(length, 31))).decode("utf-8", "replace")


def enumerator(value) -> str:
    return str(value).split("::")[-1]


class Tasks(gdb.Command):
    """vectra-tasks: every Task on the executor's list."""

    def __init__(self):
        super().__init__("vectra-tasks", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        current = int(executor()["m_current"])
        rows = []
        for task in tasks():
            base = int(task["m_stack_base"])
            size = int(task["m_stack_size"])
            marker = "*" if int(task.address) == current else " "
            rows.append((marker, task_name(task), enumerator(task["m_state"]), enumerator(task["m_band"]),
                         f"{int(task['m_wait_mask']):#x}", f"{base:#x}-{base + size:#x}", str(int(task["m_switches"]))))
        if not rows:
            print("no Tasks yet (the executor's list is empty: stopped before boot spawned initd?)")
            return
        header = (" ", "task", "state", "band", "waits for", "stack", "switches")
        widths = [max(len(row[column]) for row in rows + [header]) for column in range(len(header))]
        for row in [header] + rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


class TaskStack(gdb.Command):
    """vectra-task-stack NAME: the backtrace of a switched-out Task (x86_64)."""

    def __init__(self):
        super().__init__("vectra-task-stack", gdb.COMMAND_STACK)

    def invoke(self, argument, from_tty):
        name = argument.strip()
        chosen = [task for task in tasks() if task_name(task) == name]
        if not chosen:
            raise gdb.GdbError(f"no Task named {name!r}; vectra-tasks lists them")
        task = chosen[0]
        if int(task.address) == int(executor()["m_current"]):
            gdb.execute("backtrace")
            return
        if gdb.selected_frame().architecture().name() != "i386:x86-64":
            raise gdb.GdbError("vectra-task-stack reads x86_64 contexts only; on aarch64 use vectra-tasks")
        context = int(task["m_context"])
        if context == 0:
            raise gdb.GdbError(f"{name} has no saved context (never ran, or ended)")
        words = gdb.selected_inferior().read_memory(context, X86_64_FRAME_SIZE)
        saved = {register: int.from_bytes(bytes(words[offset:offset + 8]), "little")
                 for register, offset in X86_64_FRAME.items()}
        registers = {register: int(gdb.parse_and_eval(f"${register}")) for register in ("rsp", "rbp", "rip")}
        gdb.execute(f"set $rsp = {context + X86_64_FRAME_SIZE:#x}", to_string=True)
        gdb.execute(f"set $rbp = {saved['rbp']:#x}", to_string=True)
        gdb.execute(f"set $rip = {saved['rip']:#x}", to_string=True)
        try:
            gdb.execute("backtrace")
        finally:
            gdb.execute("select-frame 0", to_string=True)
            for register, value in registers.items():  # the running Task's registers, as they were
                gdb.execute(f"set ${register} = {value:#x}", to_string=True)


Tasks()
TaskStack()
