/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The sqlite-speedtest image's Task: SQLite's own speedtest1 (Debian's test/speedtest1.c,
 * compiled unmodified as this component's program) against a database on vfsd. It starts the
 * engine on its own memory, opens a vfsd session, registers a Vfs over it and runs speedtest1's
 * main with CONFIG_SPEEDTEST_ARGUMENTS, `--vfs` naming that Vfs, and CONFIG_SPEEDTEST_DATABASE.
 * speedtest1's report goes to the console line by line; the Task returns its exit status.
 */

#include <sqlite3.h>
#include <string.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/config.h>
#include <vectra/Try.h>
#include <vectra/footprints/speedtest.h>
#include <vectra/sqlite/Sqlite.h>

#include "Program.h"

extern "C" int vectra_speedtest1_main(int argument_count, char** arguments);

VECTRA_TASK_ENTRY(speedtest);

namespace vectra::task_entries {

namespace {

constexpr usize heap_bytes = CONFIG_SPEEDTEST_HEAP_KIB * KiB;
constexpr usize stack_bytes = CONFIG_SPEEDTEST_STACK_KIB * KiB;
constexpr usize session_bytes = 128 * KiB;
/* Whole SQLite pages in one vfsd request (read-buffer, write-buffer), from the session's memory. */
constexpr usize transfer_bytes = 32 * KiB;
static_assert(vfs::Client::transfer_memory_needed(transfer_bytes) <= session_bytes);
constexpr usize maximum_arguments = 32;

/* argv: "speedtest1", the configured options split at spaces, --vfs NAME, the database; then null. */
struct Arguments {
    char text[sizeof(CONFIG_SPEEDTEST_ARGUMENTS) + 64 + sizeof(CONFIG_SPEEDTEST_DATABASE)] {};
    char* pointers[maximum_arguments + 1] {};
    usize count { 0 };
    usize used { 0 };

    ErrorOr<void> add(std::string_view word)
    {
        if (count == maximum_arguments || used + word.size() + 1 > sizeof(text))
            return Error(ErrorCode::TooLarge, "CONFIG_SPEEDTEST_ARGUMENTS has too many words");
        memcpy(text + used, word.data(), word.size());
        pointers[count++] = text + used;
        used += word.size() + 1;
        return {};
    }
};

ErrorOr<void> build_arguments(Arguments& arguments, char const* vfs_name)
{
    TRY(arguments.add("speedtest1"));
    std::string_view options(CONFIG_SPEEDTEST_ARGUMENTS);
    while (!options.empty()) {
        usize end = options.find(' ');
        std::string_view word = options.substr(0, end);
        if (!word.empty())
            TRY(arguments.add(word));
        options = end == std::string_view::npos ? std::string_view() : options.substr(end + 1);
    }
    TRY(arguments.add("--vfs"));
    TRY(arguments.add(vfs_name));
    TRY(arguments.add(CONFIG_SPEEDTEST_DATABASE));
    return {};
}

ErrorOr<int> run(ConsoleCap const& console, ReticleCap const& memory, vfs::Client& client)
{
    MonotonicClock monotonic = system_monotonic_clock();
    WallClock clock(monotonic);
    sqlite::Vfs vfs(client, clock);
    Arguments arguments;
    TRY(build_arguments(arguments, vfs.name()));
    TRY(print_line(console, "speedtest: speedtest1 {} --vfs (vfsd) {}", CONFIG_SPEEDTEST_ARGUMENTS,
        CONFIG_SPEEDTEST_DATABASE));
    auto stack_memory = TRY(system::create_memory(memory, stack_bytes));
    auto stack = TRY(system::map_memory(stack_memory));
    return program::run(vectra_speedtest1_main, std::span(arguments.pointers, arguments.count + 1), stack, console);
}

}

ErrorOr<i32> speedtest(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::speedtest));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto engine = sqlite::Engine::start(memory, heap_bytes);
    if (engine.is_error()) {
        TRY(print_line(console, "speedtest: FAILED to start SQLite: {} ({})", engine.error().name(), engine.error().message()));
        return 1;
    }
    auto client = vfs::Client::open(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        TRY(system::carve(memory, session_bytes)), transfer_bytes);
    if (client.is_error()) {
        TRY(print_line(console, "speedtest: FAILED to open a vfsd session: {}", client.error().name()));
        return 1;
    }
    auto status = run(console, memory, client.value());
    if (status.is_error()) {
        TRY(print_line(console, "speedtest: FAILED: {} ({})", status.error().name(), status.error().message()));
        return 1;
    }
    TRY(print_line(console, "speedtest: speedtest1 exited with status {}; SQLite's heap high water {} KiB of {} KiB",
        status.value(), (engine.value().heap_high_water() + KiB - 1) / KiB, heap_bytes / KiB));
    return status.value();
}

}
