/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Linked only into core.crypto.port: proves that binary runs the libsodium port images build
 * from the pinned source package, not Debian's shared library (whose randombytes is the
 * operating system's), so the crypto tests beside it test the port.
 */

#include <catch2/catch.hpp>
#include <sodium/randombytes.h>
#include <string>

TEST_CASE("this binary links the libsodium port: randombytes' default implementation is core/random's", "[crypto][port]")
{
    REQUIRE(std::string(randombytes_implementation_name()) == "vectra-core-random-high");
}
