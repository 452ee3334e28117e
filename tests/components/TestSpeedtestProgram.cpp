/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * components/speedtest's program runner (src/Program.cpp) in a Task on the hosted kernel: a C
 * main on a stack of its own, its stdout/stderr on the Task's console in whole lines (the
 * console's bytes caught from the process's standard output), exit from deep inside the program
 * back to the Task with its status, arguments, the stack canary, one program at a time, and the
 * program interface's atoi against glibc's.
 */

#include "../../components/speedtest/program/vectra_program.h"
#include "../../components/speedtest/src/Program.h"
#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>
#include <vectra/kernel/Capability.h>
#include <vectra/kernel/Console.h>
#include <vectra/sqlite/Sqlite.h>

using namespace vectra;

namespace {

/* The process's standard output (where the hosted console writes) caught in a file while it lives. */
struct CaughtOutput {
    char path[32] = "/tmp/vectra-program-XXXXXX";
    int saved { -1 };
    int file { -1 };
    CaughtOutput()
    {
        fflush(::stdout);
        file = mkstemp(path);
        REQUIRE(file >= 0);
        saved = dup(STDOUT_FILENO);
        REQUIRE(dup2(file, STDOUT_FILENO) >= 0);
    }
    std::string text()
    {
        dup2(saved, STDOUT_FILENO);
        std::string bytes;
        char buffer[4096];
        lseek(file, 0, SEEK_SET);
        ssize_t count;
        while ((count = read(file, buffer, sizeof(buffer))) > 0)
            bytes.append(buffer, static_cast<size_t>(count));
        return bytes;
    }
    ~CaughtOutput()
    {
        dup2(saved, STDOUT_FILENO);
        close(saved);
        close(file);
        unlink(path);
    }
};

/* A supervisor's space with a console, as initd holds it, granted to each test Task. */
struct Console {
    test::Arena arena { 1 * MiB };
    test::Arena tasks { 1 * MiB };
    CapabilitySpace space { allocate_space_id() };
    ConsoleCap console;
    Console()
    {
        auto* device = arena.reticle().try_create<ConsoleDevice>(&arena.reticle()).release_value();
        console = space.mint<CapabilityClass::Device>(device, RightWrite | RightGrant).release_value();
    }
    ~Console() { (void)space.clear(); }

    /* `body(console)` in a Task holding the console, with SQLite started (the runner formats through it). */
    template<typename Body>
    ErrorOr<i32> run(Body&& body)
    {
        auto entry = [&](Bundle& bundle) -> ErrorOr<i32> {
            auto console = TRY(bundle.take<ConsoleCap>("console"));
            static u8 heap[512 * KiB];
            auto engine = TRY(sqlite::Engine::start(std::span<u8>(heap)));
            return body(console);
        };
        return test::run_as_task(
            tasks.reticle(),
            [&](Task& task) { REQUIRE_FALSE(task.bundle().grant("console", space, console, RightWrite).is_error()); },
            entry);
    }
};

alignas(16) u8 program_stack[128 * KiB];
bool reached_after_exit = false;
int seen_argument_count = 0;
std::string seen_arguments;
bool gave_nothing = false;
intptr_t deep_frame_offset = 0;

void leave_from_deep_inside(int depth)
{
    if (depth == 0) {
        vectra_program_fputs("unfinished line before exit", vectra_program_stderr);
        vectra_program_exit(7);
    }
    leave_from_deep_inside(depth - 1);
    reached_after_exit = true;
}

int printing_main(int argument_count, char** arguments)
{
    seen_argument_count = argument_count;
    seen_arguments.clear();
    for (int index = 0; index < argument_count; ++index)
        seen_arguments += std::string(arguments[index]) + (arguments[index + 1] ? " " : "");
    if (arguments[argument_count] != nullptr)
        return 99;
    vectra_program_printf("%4d - %s%.*s ", 100, "a test", 5, "..........");
    vectra_program_fflush(vectra_program_stdout); /* a part of a line stays until the line ends */
    vectra_program_printf("%4d.%03ds\n", 1, 23);
    vectra_program_fprintf(vectra_program_stderr, "an error: %s %lld %02x%%\n", "x", -5LL, 10);
    vectra_program_puts("puts adds a newline");
    vectra_program_putchar('c');
    vectra_program_fwrite("wd\n", 1, 3, vectra_program_stdout);
    /* No REQUIRE on the program's stack (a failure would throw through the fiber): checked after. */
    gave_nothing = vectra_program_fopen("/anything", "wb") == nullptr && vectra_program_malloc(16) == nullptr;
    vectra_program_free(nullptr);
    return 3;
}

int exiting_main(int, char**)
{
    leave_from_deep_inside(20);
    reached_after_exit = true;
    return 0;
}

int deep_main(int, char**)
{
    /* Deeper than the stack less its 4 KiB canary, but inside the stack's memory. */
    volatile u8 frame[126 * KiB];
    memset(const_cast<u8*>(frame), 1, sizeof(frame));
    deep_frame_offset = reinterpret_cast<intptr_t>(const_cast<u8*>(frame)) - reinterpret_cast<intptr_t>(program_stack);
    return frame[5];
}

int nesting_main(int, char**)
{
    static char name[] = "inner";
    char* arguments[] = { name, nullptr };
    static u8 stack[64 * KiB];
    static ConsoleCap none;
    auto nested = program::run(exiting_main, arguments, stack, none);
    return nested.is_error() && nested.error().is(ErrorCode::Busy) ? 11 : 12;
}

/* A console granted to each test Task, the process's output caught, and an argv of `words`. */
struct Fixture {
    Console console;
    CaughtOutput output;
    std::vector<std::string> words;
    std::vector<char*> pointers;
    explicit Fixture(std::vector<std::string> given)
        : words(std::move(given))
    {
        for (auto& word : words)
            pointers.push_back(word.data());
        pointers.push_back(nullptr);
    }
};

}

TEST_CASE("main's output reaches the console in whole lines, its return value is the status", "[speedtest]")
{
    Fixture fixture({ "speedtest1", "--size", "2", "/data/x.db" });
    auto& pointers = fixture.pointers;
    auto result = fixture.console.run([&](ConsoleCap const& cap) -> ErrorOr<i32> {
        return TRY(program::run(printing_main, pointers, program_stack, cap));
    });
    std::string text = fixture.output.text();
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 3);
    REQUIRE(seen_argument_count == 4);
    REQUIRE(gave_nothing);
    REQUIRE(seen_arguments == "speedtest1 --size 2 /data/x.db");
    REQUIRE(text.find(" 100 - a test.....    1.023s\n") != std::string::npos);
    REQUIRE(text.find("an error: x -5 0a%\n") != std::string::npos);
    REQUIRE(text.find("puts adds a newline\n") != std::string::npos);
    REQUIRE(text.find("cwd\n") != std::string::npos);
}

TEST_CASE("exit from deep inside the program returns to the Task with its status", "[speedtest]")
{
    Fixture fixture({ "program" });
    auto& pointers = fixture.pointers;
    reached_after_exit = false;
    auto result = fixture.console.run([&](ConsoleCap const& cap) -> ErrorOr<i32> {
        i32 first = TRY(program::run(exiting_main, pointers, program_stack, cap));
        /* The runner is free again: a second program runs on the same stack. */
        i32 second = TRY(program::run(printing_main, pointers, program_stack, cap));
        return first * 10 + second;
    });
    std::string text = fixture.output.text();
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 73);
    REQUIRE_FALSE(reached_after_exit);
    REQUIRE(text.find("unfinished line before exit") != std::string::npos);
}

TEST_CASE("the runner refuses what it cannot run and reports a stack run into its canary", "[speedtest]")
{
    Fixture fixture({ "program" });
    auto& pointers = fixture.pointers;
    /* Results kept here and checked outside the Task (a failed REQUIRE must not throw through it). */
    ErrorOr<int> unterminated_result = 0, small = 0, nested = 0, deep = 0;
    auto result = fixture.console.run([&](ConsoleCap const& cap) -> ErrorOr<i32> {
        /* argv without its null pointer, a stack too small, a program inside a program, a stack run deep. */
        char* unterminated[] = { fixture.words[0].data() };
        unterminated_result = program::run(printing_main, unterminated, program_stack, cap);
        small = program::run(printing_main, pointers, std::span<u8>(program_stack, 8 * KiB), cap);
        nested = program::run(nesting_main, pointers, program_stack, cap);
        deep = program::run(deep_main, pointers, program_stack, cap);
        return 0;
    });
    (void)fixture.output.text(); /* standard output back, for Catch's report */
    REQUIRE_FALSE(result.is_error());
    REQUIRE(unterminated_result.is_error());
    REQUIRE(unterminated_result.error().is(ErrorCode::InvalidArgument));
    REQUIRE(small.is_error());
    REQUIRE(small.error().is(ErrorCode::InvalidArgument));
    INFO((nested.is_error() ? nested.error().message() : "ran"));
    REQUIRE_FALSE(nested.is_error());
    REQUIRE(nested.value() == 11);
    INFO((deep.is_error() ? deep.error().message() : "returned"));
    INFO("the deep frame at offset " << deep_frame_offset << " of the program's stack");
    REQUIRE(deep.is_error());
    REQUIRE(deep.error().is(ErrorCode::OutOfMemory));
}

TEST_CASE("the program's atoi answers as glibc's does", "[speedtest]")
{
    char const* texts[] = { "0", "42", "-17", "+8", "  \t\n12x", "2147483647", "-2147483648", "", "-", "abc", "007", " -0" };
    for (char const* text : texts) {
        INFO(text);
        REQUIRE(vectra_program_atoi(text) == std::atoi(text));
    }
}
