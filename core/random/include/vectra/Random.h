/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/ChaChaGenerator.h>
#include <vectra/Entropy.h>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * How much a caller may rely on the numbers, carried in the generator's type so a function that
 * needs key material takes an Rng<Confidence::High>& and cannot be handed anything weaker:
 *
 *  Sloppy   — xoshiro256**: fast, statistically good, predictable by anyone who sees outputs.
 *             Hash seeds, jitter, test data. Never for anything an adversary should not guess.
 *  Standard — the ChaCha20 generator seeded with whatever true entropy the platform gives (up to
 *             32 bytes) mixed with the clock. Unpredictable when the platform has entropy; when it
 *             has none it still never fails, but is then only distinct per boot. Identifiers,
 *             retry back-off, shuffles. Never for keys.
 *  High     — the ChaCha20 generator seeded with 32 bytes (256 bits) of true platform entropy, or
 *             not at all: creating one before the platform has given that much is an error, never
 *             a quiet downgrade. Keys, nonces, salts. Reseeds from the platform every 1 MiB of
 *             output, mixing in whatever entropy it then gets.
 */
enum class Confidence : u8 {
    Sloppy,
    Standard,
    High,
};

[[nodiscard]] constexpr char const* confidence_name(Confidence confidence)
{
    switch (confidence) {
    case Confidence::Sloppy:
        return "sloppy";
    case Confidence::Standard:
        return "standard";
    case Confidence::High:
        return "high";
    }
    return "?";
}

template<Confidence>
class Rng;

namespace random {

/* The operations every generator offers, on top of its own fill(). */
template<typename Generator>
class Operations {
public:
    [[nodiscard]] u32 next_u32()
    {
        u8 bytes[4];
        self().fill(bytes);
        return static_cast<u32>(bytes[0]) | static_cast<u32>(bytes[1]) << 8 | static_cast<u32>(bytes[2]) << 16
            | static_cast<u32>(bytes[3]) << 24;
    }

    [[nodiscard]] u64 next_u64() { return static_cast<u64>(next_u32()) | static_cast<u64>(next_u32()) << 32; }

    /* Uniform in [0, upper_bound), without modulo bias; 0 when upper_bound < 2. */
    [[nodiscard]] u32 uniform(u32 upper_bound)
    {
        if (upper_bound < 2)
            return 0;
        u32 minimum = (0u - upper_bound) % upper_bound; /* 2^32 mod upper_bound */
        for (;;) {
            u32 value = next_u32();
            if (value >= minimum)
                return value % upper_bound;
        }
    }

private:
    Generator& self() { return static_cast<Generator&>(*this); }
};

/* Up to buffer.size() bytes from the source, asking a few times: a source may give fewer than asked. */
[[nodiscard]] usize gather_entropy(EntropySource& source, std::span<u8> buffer);

}

template<>
class Rng<Confidence::Sloppy> : public random::Operations<Rng<Confidence::Sloppy>> {
public:
    static constexpr Confidence confidence = Confidence::Sloppy;

    /* Reproducible: the same seed gives the same sequence on every platform. */
    explicit Rng(u64 seed);
    /* Seeded from the source when it gives anything, else from the clock. */
    [[nodiscard]] static Rng create(EntropySource& source);

    void fill(std::span<u8> output);
    [[nodiscard]] u64 next_u64();

private:
    u64 m_state[4];
};

template<>
class Rng<Confidence::Standard> : public random::Operations<Rng<Confidence::Standard>> {
public:
    static constexpr Confidence confidence = Confidence::Standard;
    static constexpr u64 reseed_interval_bytes = 1 * MiB;

    /* Never fails; seeded_with_true_entropy() tells whether the platform contributed 32 bytes. */
    [[nodiscard]] static Rng create(EntropySource& source);

    void fill(std::span<u8> output);
    [[nodiscard]] bool seeded_with_true_entropy() const { return m_true_entropy; }

private:
    Rng(std::span<u8 const, 32> seed, EntropySource& source, bool true_entropy);

    random::ChaChaGenerator m_generator;
    EntropySource* m_source;
    u64 m_since_reseed { 0 };
    bool m_true_entropy;
};

template<>
class Rng<Confidence::High> : public random::Operations<Rng<Confidence::High>> {
public:
    static constexpr Confidence confidence = Confidence::High;
    static constexpr usize seed_size = 32;
    static constexpr u64 reseed_interval_bytes = 1 * MiB;

    /*
     * A generator seeded with seed_size bytes of true entropy from `source`. When the source
     * gives fewer (no RDRAND, no RNDR and no virtio-rng device, or a host whose pool is not yet
     * initialised), this is ErrorCode::Empty: High randomness is refused, never downgraded.
     */
    [[nodiscard]] static ErrorOr<Rng> create(EntropySource& source);

    void fill(std::span<u8> output);

private:
    Rng(std::span<u8 const, seed_size> seed, EntropySource& source);

    random::ChaChaGenerator m_generator;
    EntropySource* m_source;
    u64 m_since_reseed { 0 };
};

using SloppyRng = Rng<Confidence::Sloppy>;
using StandardRng = Rng<Confidence::Standard>;
using HighRng = Rng<Confidence::High>;

}
