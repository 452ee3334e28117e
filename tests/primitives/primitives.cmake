# SPDX-License-Identifier: Apache-2.0
vectra_host_test(primitives.reticle SOURCES primitives/TestReticle.cpp COMPONENTS ${kernel_components})
vectra_host_test(primitives.capability SOURCES primitives/TestCapability.cpp primitives/TestBundle.cpp
    primitives/TestCapabilityModel.cpp
    COMPONENTS ${kernel_components})
vectra_host_test(primitives.ring SOURCES primitives/TestRing.cpp primitives/TestSignal.cpp COMPONENTS ${kernel_components})
vectra_host_test(primitives.executor SOURCES primitives/TestExecutor.cpp primitives/TestExecutorReports.cpp
    primitives/TestSnapshot.cpp primitives/TestPreemption.cpp COMPONENTS ${kernel_components})
vectra_host_test(primitives.lifetime SOURCES primitives/TestLifetime.cpp COMPONENTS ${kernel_components})
vectra_host_test(primitives.init SOURCES primitives/TestInit.cpp COMPONENTS ${kernel_components})
# The CPUs besides the boot CPU (ADR 0020) on the hosted platform's threads.
vectra_host_test(primitives.processors SOURCES primitives/TestProcessors.cpp COMPONENTS ${kernel_components})
vectra_host_test(primitives.system_calls SOURCES primitives/TestSystemCalls.cpp COMPONENTS ${kernel_components})
vectra_host_test(primitives.pci SOURCES primitives/TestPci.cpp COMPONENTS ${kernel_components})
vectra_host_test(primitives.pci_interrupts SOURCES primitives/TestPciInterrupts.cpp COMPONENTS ${kernel_components})
# virtio-mmio slots as capabilities (ADR 0025) over modelled windows.
vectra_host_test(primitives.mmio_slots SOURCES primitives/TestMmioSlots.cpp COMPONENTS ${kernel_components})
vectra_fuzz_target(kernel_calls SOURCES fuzz/FuzzKernelCalls.cpp COMPONENTS ${kernel_components})
vectra_host_test(primitives.display SOURCES primitives/TestDisplay.cpp COMPONENTS ${kernel_components})

# Platform disks as DeviceCaps (ADR 0017): the hosted --disk= files, ranges and rights attacked.
vectra_host_test(primitives.block_device SOURCES primitives/TestBlockDevice.cpp COMPONENTS ${kernel_components})

# One executor per CPU (ADR 0026): the kernel lock, cross-CPU wake-ups, stealing, exits racing raises,
# the same-CPU Ring fence (§13) and the lock per executor with its lock-order checker (§15) attacked.
vectra_host_test(primitives.smp SOURCES primitives/TestSmp.cpp primitives/TestRingSameCpu.cpp primitives/TestExecutorLocks.cpp COMPONENTS ${kernel_components})

# The host's sockets as a DeviceCap (hosted; ADR 0024 amendment): loopback confinement, a bounded table, tear-down.
vectra_host_test(primitives.host_sockets SOURCES primitives/TestHostSockets.cpp COMPONENTS ${kernel_components})

# The hosted window's keyboard and mouse as a DeviceCap (ADR 0040 §6): translation, the bounded
# queue, the line raised from another thread, and the capability attacked.
vectra_host_test(primitives.host_input SOURCES primitives/TestHostInput.cpp COMPONENTS ${kernel_components})

# The kernel's entropy pool and the EntropySource (ADR 0025 §3): BLAKE2s vectors, mixing that never
# replaces, bounded credit, refusal until 32 bytes, and the capability attacked.
vectra_host_test(primitives.entropy SOURCES primitives/TestEntropy.cpp COMPONENTS ${kernel_components})

# The debug snapshot as a capability (ADR 0045): the holder copies the whole table; a Task without
# it, a copy without read, a write right asked for, another device, too small a buffer, revoked.
vectra_host_test(primitives.snapshot_device SOURCES primitives/TestSnapshotDevice.cpp COMPONENTS ${kernel_components})

# The i8042 keyboard controller as a DeviceCap (ADR 0031 amendment): two ports and the keyboard
# line over a modelled controller, and the capability attacked.
vectra_host_test(primitives.i8042 SOURCES primitives/TestI8042.cpp COMPONENTS ${kernel_components})
