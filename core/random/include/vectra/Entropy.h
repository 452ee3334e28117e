/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Types.h>

namespace vectra {

/*
 * Where true entropy comes from. The platform is the real source (PlatformEntropy); tests hand
 * the generators a stand-in that gives known bytes, too few bytes or none.
 */
class EntropySource {
public:
    virtual ~EntropySource() = default;

    /* Fills up to buffer.size() bytes with true entropy; returns how many, possibly 0. */
    [[nodiscard]] virtual usize gather(std::span<u8> buffer) = 0;
};

/*
 * The platform's entropy (system::entropy, which the kernel supplies): getrandom on hosted, RDRAND
 * on x86_64, RNDR or virtio-rng on aarch64.
 */
class PlatformEntropy final : public EntropySource {
public:
    [[nodiscard]] usize gather(std::span<u8> buffer) override;
};

}
