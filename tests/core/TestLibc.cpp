/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/libc's functions against glibc's: the same answers for the same inputs.
 */

#include <catch2/catch.hpp>
#include <climits>
#include <cstdlib>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>
#include <vectra/libc/Libc.h>

using namespace vectra;

TEST_CASE("find_character answers as glibc's strchr does", "[libc]")
{
    char const* texts[] = { "", "a", "hello, vectra", "abcabc", "\xff\x80 high bytes" };
    int characters[] = { 'a', 'c', 'v', ',', '\0', 'z', 0xff, 0x80, 0x100 + 'a', -1 };
    for (char const* text : texts) {
        for (int character : characters) {
            INFO("text \"" << text << "\" character " << character);
            REQUIRE(libc::find_character(text, character) == std::strchr(text, character));
        }
    }
}

TEST_CASE("find_last_character answers as glibc's strrchr does", "[libc]")
{
    char const* texts[] = { "", "a", "hello, vectra", "abcabc", "\xff\x80 high \xff bytes", "/path/to/file" };
    int characters[] = { 'a', 'c', 'v', ',', '/', '\0', 'z', 0xff, 0x80, 0x100 + 'a', -1 };
    for (char const* text : texts) {
        for (int character : characters) {
            INFO("text \"" << text << "\" character " << character);
            REQUIRE(libc::find_last_character(text, character) == std::strrchr(text, character));
        }
    }
}

TEST_CASE("span_without answers as glibc's strcspn does", "[libc]")
{
    char const* texts[] = { "", "a", "hello, vectra", "abcabc", "\xff\x80 high bytes", "SELECT 1; -- x" };
    char const* rejected[] = { "", "a", "xyz", ",;", "\xff", "\x80\xff", " \t\n", "abcdefghijklmnopqrstuvwxyz" };
    for (char const* text : texts) {
        for (char const* reject : rejected) {
            INFO("text \"" << text << "\" rejected \"" << reject << "\"");
            REQUIRE(libc::span_without(text, reject) == std::strcspn(text, reject));
        }
    }
}

TEST_CASE("find_text answers as glibc's strstr does", "[libc]")
{
    char const* texts[] = { "", "a", "hello, vectra", "abcabc", "aaab", "\xff\x80 high bytes", "WITHOUT ROWID,STRICT" };
    char const* wanted[] = { "", "a", "abc", "cab", "aab", "aaaab", "\x80", "STRICT", "WITHOUT", "vectra!", "b" };
    for (char const* text : texts) {
        for (char const* part : wanted) {
            INFO("text \"" << text << "\" wanted \"" << part << "\"");
            REQUIRE(libc::find_text(text, part) == std::strstr(text, part));
        }
    }
}


TEST_CASE("error_number_location is one stable, writable int", "[libc]")
{
    int* location = libc::error_number_location();
    REQUIRE(location == libc::error_number_location());
    *location = 22;
    REQUIRE(*libc::error_number_location() == 22);
    *location = 0;
}

TEST_CASE("allocate without an arena returns null, as malloc does when memory is exhausted", "[libc]")
{
    REQUIRE(libc::allocate(16) == nullptr);
    REQUIRE(libc::allocate_zeroed(1, 16) == nullptr);
    libc::release(nullptr); /* free(NULL) does nothing */
}

TEST_CASE("allocate hands out aligned, distinct, non-overlapping blocks like malloc", "[libc]")
{
    alignas(16) static u8 memory[4096];
    libc::ScopedAllocationArena arena(memory);
    std::vector<u8*> blocks;
    for (usize size : { 1u, 7u, 16u, 33u, 100u }) {
        auto* block = static_cast<u8*>(libc::allocate(size));
        REQUIRE(block != nullptr);
        REQUIRE(reinterpret_cast<uintptr_t>(block) % alignof(std::max_align_t) == 0);
        std::memset(block, 0xa5, size);
        blocks.push_back(block);
    }
    for (usize index = 1; index < blocks.size(); ++index)
        REQUIRE(blocks[index] > blocks[index - 1]);
    /* glibc's malloc(0) returns a unique pointer that may be freed; so does ours. */
    void* empty = libc::allocate(0);
    REQUIRE(empty != nullptr);
    REQUIRE(empty != libc::allocate(0));
    void* glibc_empty = std::malloc(0);
    REQUIRE(glibc_empty != nullptr);
    std::free(glibc_empty);
}

TEST_CASE("allocate refuses what does not fit, with null", "[libc]")
{
    alignas(16) static u8 memory[256];
    libc::ScopedAllocationArena arena(memory);
    REQUIRE(libc::allocate(257) == nullptr);
    REQUIRE(libc::allocate(SIZE_MAX) == nullptr);
    REQUIRE(libc::allocate(200) != nullptr);
    REQUIRE(libc::allocate(100) == nullptr);
    REQUIRE(libc::allocate(48) != nullptr);
    REQUIRE(arena.used() == 256);
}

TEST_CASE("allocate_zeroed zeroes, and refuses count * size overflow like glibc's calloc", "[libc]")
{
    alignas(16) static u8 memory[1024];
    std::memset(memory, 0xff, sizeof(memory));
    libc::ScopedAllocationArena arena(memory);
    auto* block = static_cast<u8*>(libc::allocate_zeroed(10, 20));
    REQUIRE(block != nullptr);
    for (usize index = 0; index < 200; ++index)
        REQUIRE(block[index] == 0);
    usize huge = SIZE_MAX / 2 + 1;
    REQUIRE(libc::allocate_zeroed(huge, 2) == nullptr);
    void* glibc = std::calloc(huge, 2);
    REQUIRE(glibc == nullptr);
}

TEST_CASE("an arena is wiped when its scope ends, and scopes nest", "[libc]")
{
    alignas(16) static u8 outer_memory[128];
    alignas(16) static u8 inner_memory[128];
    {
        libc::ScopedAllocationArena outer(outer_memory);
        auto* first = static_cast<u8*>(libc::allocate(16));
        REQUIRE(first == outer_memory);
        std::memset(first, 0x5a, 16);
        {
            libc::ScopedAllocationArena inner(inner_memory);
            REQUIRE(libc::allocate(16) == inner_memory);
        }
        REQUIRE(libc::allocate(16) == outer_memory + 16);
        REQUIRE(outer_memory[0] == 0x5a);
    }
    for (u8 byte : outer_memory)
        REQUIRE(byte == 0);
    REQUIRE(libc::allocate(16) == nullptr);
}

TEST_CASE("a failed assertion in ported code panics, naming expression, file and line", "[libc]")
{
    /* glibc's assert aborts; ours panics. Run it in a child process and read what it printed. */
    int output[2];
    REQUIRE(pipe(output) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        dup2(output[1], STDOUT_FILENO);
        dup2(output[1], STDERR_FILENO);
        libc::assertion_failed("length <= 64", "ported.c", 7);
    }
    close(output[1]);
    std::string printed;
    char buffer[256];
    for (ssize_t count; (count = read(output[0], buffer, sizeof(buffer))) > 0;)
        printed.append(buffer, static_cast<usize>(count));
    close(output[0]);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(!(WIFEXITED(status) && WEXITSTATUS(status) == 0));
    REQUIRE(printed.find("PANIC: task ") != std::string::npos);
    REQUIRE(printed.find("length <= 64 (ported.c:7)") != std::string::npos);
}

TEST_CASE("absolute_value and floor_of answer as glibc's abs, fabs and floorf do", "[libc]")
{
    int integers[] = { 0, 1, -1, 42, -42, INT32_MAX, INT32_MIN + 1 };
    for (int value : integers)
        REQUIRE(libc::absolute_value(value) == std::abs(value));
    REQUIRE(libc::absolute_value(INT32_MIN) == INT32_MIN);

    double doubles[] = { 0.0, -0.0, 1.5, -1.5, 1e308, -1e-308, -4.9e-324, __builtin_inf(), -__builtin_inf() };
    for (double value : doubles) {
        INFO("value " << value);
        double ours = libc::absolute_value(value);
        double glibc = std::fabs(value);
        REQUIRE(std::memcmp(&ours, &glibc, sizeof ours) == 0);
    }
    REQUIRE(std::isnan(libc::absolute_value(-__builtin_nan(""))));
    REQUIRE(!std::signbit(libc::absolute_value(-__builtin_nan(""))));

    /* floorf over edge values and 200 000 floats spread over every exponent, bit for bit. */
    std::vector<float> floats = { 0.0f, -0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 1.5f, -1.5f, 2.5f, -2.5f,
        8388607.5f, -8388607.5f, 8388608.0f, 16777217.0f, 1e-45f, -1e-45f, 3.4e38f, -3.4e38f,
        __builtin_inff(), -__builtin_inff() };
    std::uint32_t state = 12345;
    for (int index = 0; index < 200000; ++index) {
        state = state * 1664525u + 1013904223u;
        float value;
        std::memcpy(&value, &state, sizeof value);
        if (!std::isnan(value))
            floats.push_back(value);
    }
    for (float value : floats) {
        INFO("value " << value);
        float ours = libc::floor_of(value);
        float glibc = std::floor(value);
        REQUIRE(std::memcmp(&ours, &glibc, sizeof ours) == 0);
    }
    REQUIRE(std::isnan(libc::floor_of(__builtin_nanf(""))));
}

TEST_CASE("copy_text_padded answers as glibc's strncpy does, padding with zeroes", "[libc]")
{
    char const* sources[] = { "", "a", "hello", "exactly8", "longer than the count" };
    for (char const* source : sources) {
        for (std::size_t count = 0; count <= 12; ++count) {
            INFO("source \"" << source << "\" count " << count);
            char ours[16];
            char glibc[16];
            std::memset(ours, 'x', sizeof ours);
            std::memset(glibc, 'x', sizeof glibc);
            REQUIRE(libc::copy_text_padded(ours, source, count) == ours);
            std::strncpy(glibc, source, count);
            REQUIRE(std::memcmp(ours, glibc, sizeof ours) == 0);
        }
    }
}
