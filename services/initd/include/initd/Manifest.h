/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Capability.h>
#include <vectra/TaskTypes.h>
#include <vectra/Types.h>

namespace vectra::initd {

/*
 * The boot manifest as initd reads it: data generated at build time from the image's
 * manifest.json by tools/manifest/compile.py, after every Bundle was checked against the
 * footprint its entry declares. Nothing here is parsed at run time.
 */
enum class TaskKind : u8 {
    Service, /* runs until shutdown; raises its "ready" bit once serving */
    Check,   /* runs after every service is ready; its exit status becomes initd's */
};

enum class SlotKind : u8 {
    Console,     /* DeviceCap on the console */
    Memory,      /* ReticleCap on the Task's own Reticle */
    RequestRing, /* RingCap on a connection's client → service Ring */
    ReplyRing,   /* RingCap on a connection's service → client Ring */
    Ready,       /* SignalCap raising the Task's ready bit in initd's mask */
    Tasks,       /* TaskCap with the spawn right */
    SoftwareIrq, /* IrqCap on the platform's software interrupt line */
    PciDevice,   /* PciDeviceCap on the function `pci_match` names (initd opens it; ADR 0012) */
    Display,     /* DeviceCap on the boot display (CONFIG_DISPLAY) */
    Disk,        /* DeviceCap on the platform's disk `disk` (hosted --disk=; ADR 0017) */
    MmioSlot,    /* VirtioMmioSlotCap on the slot holding virtio device `virtio_mmio` (initd opens it; ADR 0025) */
    HostSockets, /* DeviceCap on the hosted kernel's loopback-only host sockets (ADR 0024, amendments) */
    Entropy,     /* DeviceCap on the EntropySource feeding the kernel's pool (an entropy driver only; ADR 0025 §3) */
    Config,      /* MemCap, read only, holding the Task's configuration: `config_bytes` (ADR 0037) */
    HostInput,   /* DeviceCap on the hosted window's keyboard and mouse (CONFIG_DISPLAY on hosted; ADR 0040 §6) */
    Snapshot,    /* DeviceCap on the kernel's debug snapshot, to read (CONFIG_DEBUG_SNAPSHOT; ADR 0045) */
    I8042,       /* DeviceCap on the i8042 keyboard controller's two ports and line (x86_64; ADR 0031 amendment) */
};

/* How a check Task is expected to end; the image passes only if every check ends so. */
enum class Expectation : u8 {
    Success,  /* returns status 0 */
    Panicked, /* panics (and is contained) */
    Faulted,  /* faults (and is contained) */
};

/* A service's restart policy: at most `max_restarts` within `window_ms`, `backoff_ms` apart. */
struct RestartPolicy {
    u32 max_restarts { 0 };
    u32 window_ms { 0 };
    u32 backoff_ms { 0 };
};

struct SlotSpec {
    char const* name;
    SlotKind kind;
    u16 connection;
    Rights rights;
    u64 pci_match { 0 }; /* PciMatch::word() of a PciDevice slot */
    u8 disk { 0 };       /* a Disk slot's disk number (its name in initd's Bundle: "block<disk>") */
    u16 virtio_mmio { 0 }; /* a MmioSlot slot's virtio device id */
    u8 pci_index { 0 };    /* a PciDevice slot's function: the n-th that `pci_match` matches, from 0 */
    /* A Config slot's canonical binary message, checked against the footprint's declaration by the compiler. */
    u8 const* config_bytes { nullptr };
    u32 config_length { 0 };
};

/* A protection domain (CONFIG_DOMAINS): its name and its component's data section (linker-made). */
struct DomainSpec {
    char const* name;
    char const* data_start;
    char const* data_end;
};

/* The `supervisor` of a Task initd supervises itself. */
inline constexpr u16 supervised_by_initd = 0xffff;

/*
 * A Task, or a group supervisor (entry initd_group, `children` > 0) the manifest compiler placed
 * to supervise some of them (docs/adr/0010-supervision-at-scale.md). Every supervisor gives
 * the child at `position` its ready bit `position` and its exit bit 32 + `position`.
 */
struct TaskSpec {
    char const* name;
    TaskEntry entry;
    TaskKind kind;
    Band band;
    u32 reticle_kib;
    u32 stack_kib;
    SlotSpec const* slots;
    usize slot_count;
    RestartPolicy restart;
    Expectation expect;
    DomainSpec const* domain; /* nullptr: runs in kernel mode, kernel calls are function calls */
    u16 supervisor;           /* index of its group supervisor's TaskSpec, or supervised_by_initd */
    u8 position;              /* among its supervisor's children, below maximum_children */
    u16 children;             /* a group supervisor: how many Tasks it supervises; 0 for a Task */
    u32 processor;            /* its CPU, processor_any or processor_boot (vectra/TaskTypes.h, ADR 0026) */
    /*
     * One of a set of alternative services (manifest "one_of", docs/adr/0052-a-display-chosen-at-run-time.md):
     * the set's name, or nullptr. Its supervisor starts alternative 0 only; one whose device the machine
     * lacks, or that ends before it was ever ready, is passed over for the next (alternative + 1).
     */
    char const* one_of { nullptr };
    u8 alternative { 0 };
};

/* A supervisor's children: its ready bits 0-23, exit bits 32-55 (tools/manifest/compile.py's MAX_CHILDREN). */
inline constexpr usize maximum_children = 24;

struct ConnectionSpec {
    char const* name;
    char const* schema;
    u64 schema_id;
    u32 slot_count;
    u32 slot_size;
    bool one_way; /* requests only: no replies Ring */
};

/* A manifest without a Task marked "control": initd serves no vectra.control. */
inline constexpr usize no_control_connection = ~usize(0);

struct BootManifest {
    char const* image;
    TaskSpec const* tasks;
    usize task_count;
    ConnectionSpec const* connections;
    usize connection_count;
    /* The connection initd serves vectra.control on (ADR 0045 §6), or no_control_connection. */
    usize control_connection { no_control_connection };
};

extern BootManifest const boot_manifest;

}
