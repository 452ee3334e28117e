/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The kernel's entropy pool and the EntropySource capability (ADR 0025 §3). The pool is a
 * 32-byte key that only ever absorbs: each input replaces the key with BLAKE2s keyed by the old
 * key over the input, so what a feeder sends can add to the pool but never lower or set it.
 * Output is extracted with fast key erasure (the key that made an output is gone before the
 * output leaves), so a later read of the pool does not reveal earlier output. Entropy is
 * credited in bytes, at most what a call was given and at most maximum_credit_per_feed, and the
 * total saturates at maximum_credit; the pool answers extract() with nothing until
 * high_threshold bytes were credited (High randomness is refused until then, never waits).
 *
 * Credit comes from two places: the platform's own hardware source at boot (entropy_boot:
 * x86_64 RDRAND, aarch64 RNDR where the CPU has it, hosted getrandom), and Tasks holding an
 * EntropySource — a DeviceCap of kind Entropy with RightWrite — through entropy_feed. initd
 * gets the one EntropySource at boot; the manifest grants it only to an entropy driver.
 */

#pragma once

#include <span>
#include <vectra/kernel/Console.h>

namespace vectra {

/* BLAKE2s-256 (RFC 7693), keyed with a 32-byte key; `inputs` are hashed one after the other. */
void blake2s_keyed(std::span<u8 const, 32> key, std::initializer_list<std::span<u8 const>> inputs, std::span<u8, 32> digest);

class EntropyPool {
public:
    static constexpr u32 high_threshold = 32;           /* bytes credited before extract() answers */
    static constexpr u32 maximum_credit_per_feed = 64;  /* bytes one feed may credit */
    static constexpr u32 maximum_credit = 1u << 20;     /* the total saturates here */
    static constexpr usize maximum_feed = 256;          /* bytes one feed may carry */

    /* Absorbs `input` into the key; credits min(credit, input.size(), maximum_credit_per_feed). Returns the credit. */
    u32 mix(std::span<u8 const> input, usize credit);
    /* Fills `output` (any size) when at least high_threshold bytes were credited and returns its size; else 0. */
    [[nodiscard]] usize extract(std::span<u8> output);
    [[nodiscard]] u32 credited() const { return m_credited; }
    [[nodiscard]] bool ready() const { return m_credited >= high_threshold; }

private:
    u8 m_key[32] {};
    u64 m_generation { 0 };
    u32 m_credited { 0 };
};

/* The one EntropySource: feeding the kernel's pool. */
class EntropyDevice final : public Device {
public:
    explicit EntropyDevice(KernelObject* origin = nullptr)
        : Device(Kind::Entropy, origin)
    {
    }
};

namespace kernel {

/* The kernel's pool (tests reset it by assigning a fresh EntropyPool). */
[[nodiscard]] EntropyPool& entropy_pool();

/* At boot: what the platform's own hardware source gives, credited as it gives it. Returns the bytes credited. */
u32 entropy_boot();

/* system::entropy: fresh hardware bytes (uncredited) mixed in, then output, or 0 bytes before the pool is ready. */
[[nodiscard]] usize entropy_extract(std::span<u8> output);

}

/* entropy_feed: needs a DeviceCap of kind Entropy with RightWrite; returns the bytes credited. */
[[nodiscard]] ErrorOr<u32> entropy_feed(CapabilitySpace const&, DeviceCap const&, std::span<u8 const> bytes, usize credit);

}
