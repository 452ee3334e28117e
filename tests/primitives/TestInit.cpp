/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../platforms/ChildProcess.h"
#include <catch2/catch.hpp>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vectra/kernel/Init.h>
#include <vectra/platform/Platform.h>

using namespace vectra;
using namespace vectra::kernel;

namespace {

/* Straight to standard output (unbuffered, like the hosted console), so the order is kept. */
void note(std::string_view text)
{
    (void)!::write(STDOUT_FILENO, text.data(), text.size());
}

}

/*
 * Registered out of order on purpose; the kernel's own entries are in the table too. Each
 * init and fini writes its name, which the boot test reads back (nothing runs them otherwise).
 */
#define NOTED_INIT(identifier, init_class, priority)                              \
    namespace {                                                                   \
    ErrorOr<void> init_##identifier()                                             \
    {                                                                             \
        note("init " #identifier "\n");                                           \
        return {};                                                                \
    }                                                                             \
    void fini_##identifier() { note("fini " #identifier "\n"); }                  \
    }                                                                             \
    VECTRA_INIT(identifier, init_class, priority, init_##identifier, fini_##identifier)

NOTED_INIT(test_late, Late, 0);
NOTED_INIT(test_driver_b, Driver, 5);
NOTED_INIT(test_driver_a, Driver, 5);
NOTED_INIT(test_driver_first, Driver, 1);
NOTED_INIT(test_early, Early, 9);
NOTED_INIT(test_service, Service, 0);

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

namespace {

/* The lines of `output` that start with `prefix`, joined by spaces. */
std::string lines_starting_with(std::string const& output, std::string const& prefix)
{
    std::string found;
    usize start = 0;
    while (start < output.size()) {
        usize end = output.find('\n', start);
        if (end == std::string::npos)
            end = output.size();
        std::string line = output.substr(start, end - start);
        if (line.rfind(prefix, 0) == 0)
            found += line.substr(prefix.size()) + " ";
        start = end + 1;
    }
    return found;
}

}

TEST_CASE("a booted kernel runs every init in order and, powering off, every fini in exactly the reverse order")
{
    /* The real boot: init classes, root Reticle, the initial Task (which fails in test binaries), power off. */
    auto result = test::run_in_child([] {
        usize size = 16 * MiB;
        void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED)
            _exit(30);
        platform::BootInfo boot_info;
        boot_info.platform_name = "hosted";
        boot_info.free_memory.regions[0] = { reinterpret_cast<u64>(memory), size };
        boot_info.free_memory.count = 1;
        kernel::boot(boot_info);
    });
    INFO(result.output);
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == static_cast<int>(platform::ExitStatus::Failure));
    REQUIRE(result.output.find("initd failed") != std::string::npos);
    std::string inits = lines_starting_with(result.output, "init test_");
    std::string finis = lines_starting_with(result.output, "fini test_");
    REQUIRE(inits == "early driver_first driver_a driver_b service late ");
    REQUIRE(finis == "late service driver_b driver_a driver_first early ");
    /* Every init ran before the first fini. */
    REQUIRE(result.output.find("init test_late") < result.output.find("fini test_late"));
}
