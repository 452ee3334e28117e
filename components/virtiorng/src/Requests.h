/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-rng request loop both transports share (README.md): one buffer per request on
 * queue 0, sleep on the queue's interrupt bit, take the device's reason for interrupting, then
 * acknowledge the IrqCap, then look at the used ring — never polling between interrupts. And
 * the service both entries are (ADR 0025 §3): the start-up requests fed to the kernel's pool
 * through the EntropySource, "ready" raised, then one request fed every reseed period.
 */

#pragma once

#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/SignalBit.h>
#include <vectra/config.h>
#include <vectra/driver/VirtioDevice.h>

namespace vectra::virtiorng {

inline constexpr u16 queue_size = 8;
inline constexpr usize request_bytes = 32;
inline constexpr usize requests = 2;
inline constexpr SignalBit queue_bit { 8 };

/* How often the running driver feeds the pool again (CONFIG_VIRTIO_RNG_RESEED_SECONDS, default 60). */
inline constexpr u64 reseed_nanoseconds = u64(CONFIG_VIRTIO_RNG_RESEED_SECONDS) * 1'000'000'000;

struct Outcome {
    u64 interrupts { 0 }; /* the kernel's count of arrivals on the queue's line */
    bool distinct { false }; /* the requests' bytes differ and are not all zero */
};

/* The page the device fills, and its device address. */
struct Buffers {
    MemCap memory;
    std::span<u8> bytes;
    u64 device_address { 0 };
};

[[nodiscard]] ErrorOr<Buffers> create_buffers(ReticleCap const& memory, driver::VirtioDevice&);

/* Reads `requests` requests of `request_bytes` through `queue` into `buffers`, printing each. */
[[nodiscard]] ErrorOr<Outcome> read_requests(ConsoleCap const&, Buffers const&, driver::VirtioDevice&, driver::VirtioQueue& queue);

/*
 * The service: feeds the start-up requests' bytes (requests × request_bytes, credited in full)
 * to the kernel's pool, raises `ready`, then every reseed period reads one request and feeds it.
 * Returns only with an error (initd restarts the driver per its policy; the restart resets the device).
 */
[[nodiscard]] ErrorOr<i32> serve(ConsoleCap const&, DeviceCap const& entropy, SignalCap const& ready, Buffers const&,
    driver::VirtioDevice&, driver::VirtioQueue& queue);

}
