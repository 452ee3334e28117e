/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <catch2/catch.hpp>
#include <vector>
#include <vectra/crypto/Library.h>

using namespace vectra;

namespace {

class CountingEntropy final : public EntropySource {
public:
    usize gather(std::span<u8> buffer) override
    {
        for (auto& byte : buffer)
            byte = m_next++;
        return buffer.size();
    }
    u8 m_next { 0x11 };
};

}

TEST_CASE("libsodium's randombytes draws from the installed core/random High generator", "[crypto][library]")
{
    static CountingEntropy source;
    static CountingEntropy reference_source;
    crypto::install_libsodium_randomness(MUST(HighRng::create(source)));
    auto reference = MUST(HighRng::create(reference_source));

    /* sodium_init may have drawn (Debian's build takes a canary); skip what it took by
     * finding the libsodium output inside the reference stream. */
    std::vector<u8> from_libsodium(64);
    crypto::libsodium_random_bytes(from_libsodium);
    std::vector<u8> stream(4000); /* below the direct-streaming threshold: one continuous buffer stream */
    reference.fill(stream);
    bool found = false;
    for (usize offset = 0; offset + from_libsodium.size() <= stream.size() && !found; ++offset)
        found = std::equal(from_libsodium.begin(), from_libsodium.end(), stream.begin() + static_cast<long>(offset));
    REQUIRE(found);
}
