/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <catch2/catch.hpp>
#include <string>
#include <vectra/kernel/Init.h>

using namespace vectra;
using namespace vectra::kernel;

namespace {

ErrorOr<void> nothing() { return {}; }

}

/* Registered out of order on purpose; the kernel's own entries are in the table too. */
VECTRA_INIT(test_late, Late, 0, nothing, nullptr);
VECTRA_INIT(test_driver_b, Driver, 5, nothing, nullptr);
VECTRA_INIT(test_driver_a, Driver, 5, nothing, nullptr);
VECTRA_INIT(test_driver_first, Driver, 1, nothing, nullptr);
VECTRA_INIT(test_early, Early, 9, nothing, nullptr);
VECTRA_INIT(test_service, Service, 0, nothing, nullptr);

TEST_CASE("init entries sort by class, then priority, then name")
{
    InitEntry const* entries[64];
    usize count = 0;
    REQUIRE_FALSE(sorted_init_entries(entries, 64, count).is_error());
    std::string order;
    for (usize index = 0; index < count; ++index) {
        if (std::string(entries[index]->name).rfind("test_", 0) == 0)
            order += std::string(entries[index]->name) + " ";
    }
    REQUIRE(order == "test_early test_driver_first test_driver_a test_driver_b test_service test_late ");
    for (usize index = 1; index < count; ++index)
        REQUIRE(entries[index - 1]->init_class <= entries[index]->init_class);
}

TEST_CASE("the init table refuses to overflow its caller's array")
{
    InitEntry const* entries[2];
    usize count = 0;
    REQUIRE(sorted_init_entries(entries, 2, count).error().code() == ErrorCode::Full);
}
