/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>
#include <vectra/io/Buffered.h>
#include <vectra/io/Memory.h>

using namespace vectra;
using namespace vectra::io;

namespace {

/* A reader that hands out at most `step` bytes per call and counts its calls. */
class TrickleReader {
public:
    TrickleReader(std::string_view text, usize step)
        : m_inner(bytes_of(text))
        , m_step(step)
    {
    }
    ErrorOr<usize> read(std::span<u8> buffer)
    {
        ++calls;
        return m_inner.read(buffer.first(buffer.size() < m_step ? buffer.size() : m_step));
    }
    usize calls { 0 };

private:
    SpanReader m_inner;
    usize m_step;
};

/* A writer that takes at most `step` bytes per call, can be told to fail, and counts calls. */
class TrickleWriter {
public:
    explicit TrickleWriter(usize step)
        : m_step(step)
    {
    }
    ErrorOr<usize> write(std::span<u8 const> bytes)
    {
        ++calls;
        if (fail)
            return Error(ErrorCode::Busy, "told to fail");
        usize count = bytes.size() < m_step ? bytes.size() : m_step;
        text.append(reinterpret_cast<char const*>(bytes.data()), count);
        return count;
    }
    ErrorOr<void> flush()
    {
        ++flushes;
        return {};
    }
    std::string text;
    usize calls { 0 };
    usize flushes { 0 };
    bool fail { false };

private:
    usize m_step;
};

struct TakesNothing {
    ErrorOr<usize> write(std::span<u8 const>) { return 0; }
};

struct ReturnsTooMuch {
    ErrorOr<usize> read(std::span<u8> buffer) { return buffer.size() + 1; }
};

struct NotAStream {
    void write(std::string_view) { }
};

struct Console {
    std::string text;
    void write(std::string_view part) { text += part; }
};

std::string as_string(std::span<u8 const> bytes)
{
    return std::string(reinterpret_cast<char const*>(bytes.data()), bytes.size());
}

}

TEST_CASE("The Read and Write concepts admit streams and nothing else")
{
    STATIC_REQUIRE(Read<SpanReader>);
    STATIC_REQUIRE(Write<SpanWriter>);
    STATIC_REQUIRE(Read<BufferedReader<SpanReader>>);
    STATIC_REQUIRE(Write<BufferedWriter<SpanWriter>>);
    STATIC_REQUIRE(Flush<BufferedWriter<SpanWriter>>);
    STATIC_REQUIRE(Write<TextTargetWriter<Console>>);
    STATIC_REQUIRE_FALSE(Flush<SpanWriter>);
    STATIC_REQUIRE_FALSE(Write<NotAStream>);
    STATIC_REQUIRE_FALSE(Read<SpanWriter>);
    STATIC_REQUIRE_FALSE(Write<SpanReader>);
}

TEST_CASE("write_all and read_exact loop over partial transfers and refuse broken contracts")
{
    TrickleWriter writer(3);
    REQUIRE_FALSE(write_all(writer, "hello, world").is_error());
    REQUIRE(writer.text == "hello, world");
    REQUIRE(writer.calls == 4);
    TakesNothing stuck;
    REQUIRE(write_all(stuck, "x").error().code() == ErrorCode::InvalidArgument);
    writer.fail = true;
    REQUIRE(write_all(writer, "more").error().code() == ErrorCode::Busy);

    TrickleReader reader("abcdefgh", 3);
    u8 buffer[8];
    REQUIRE_FALSE(read_exact(reader, buffer).is_error());
    REQUIRE(as_string(buffer) == "abcdefgh");
    TrickleReader short_reader("abc", 2);
    REQUIRE(read_exact(short_reader, buffer).error().code() == ErrorCode::MalformedMessage);
    ReturnsTooMuch liar;
    REQUIRE(read_exact(liar, buffer).error().code() == ErrorCode::InvalidArgument);
}

TEST_CASE("copy moves everything through the caller's scratch buffer")
{
    TrickleReader reader("the quick brown fox", 4);
    u8 output[32];
    SpanWriter writer(output);
    u8 scratch[5];
    REQUIRE(copy(reader, writer, scratch).value() == 19);
    REQUIRE(writer.written_text() == "the quick brown fox");

    SpanReader long_input(bytes_of("0123456789"));
    u8 small[4];
    SpanWriter full(small);
    REQUIRE(copy(long_input, full, scratch).error().code() == ErrorCode::Full);
}

TEST_CASE("Span readers and writers stop at the ends of their memory")
{
    SpanReader reader(bytes_of("abc"));
    u8 buffer[2];
    REQUIRE(reader.read(buffer).value() == 2);
    REQUIRE(reader.read(buffer).value() == 1);
    REQUIRE(reader.read(buffer).value() == 0);
    u8 storage[4];
    SpanWriter writer(storage);
    REQUIRE(writer.write(bytes_of("abcdef")).value() == 4);
    REQUIRE(writer.write(bytes_of("g")).error().code() == ErrorCode::Full);
    REQUIRE(writer.write({}).value() == 0);
    REQUIRE(writer.written_text() == "abcd");
    writer.clear();
    REQUIRE(writer.written().empty());
}

TEST_CASE("A buffered reader makes few large reads and finds delimiters")
{
    TrickleReader inner("first line\nsecond\nlast", 64);
    u8 buffer[8];
    BufferedReader reader(inner, buffer);
    u8 line[16];
    usize length = reader.read_until('\n', line).value();
    REQUIRE(as_string({ line, length }) == "first line\n");
    length = reader.read_until('\n', line).value();
    REQUIRE(as_string({ line, length }) == "second\n");
    length = reader.read_until('\n', line).value();
    REQUIRE(as_string({ line, length }) == "last");
    REQUIRE(reader.read_until('\n', line).value() == 0);
    REQUIRE(inner.calls == 5); /* 8 + 8 + 6 bytes, then the end, seen twice */

    TrickleReader long_line("0123456789\nrest", 64);
    BufferedReader long_reader(long_line, buffer);
    u8 small[4];
    REQUIRE(long_reader.read_until('\n', small).error().code() == ErrorCode::TooLarge);
    REQUIRE(as_string(small) == "0123");
    u8 rest[16];
    length = long_reader.read_until('\n', rest).value();
    REQUIRE(as_string({ rest, length }) == "456789\n");

    TrickleReader peeked("xyz", 64);
    BufferedReader peeking(peeked, buffer);
    REQUIRE(as_string(peeking.peek().value()) == "xyz");
    peeking.consume(1);
    REQUIRE(peeking.buffered() == 2);
    u8 big[16];
    REQUIRE(peeking.read(big).value() == 2);

    /* With nothing buffered, a read as large as the buffer goes straight to the inner reader. */
    TrickleReader direct("0123456789abcdef", 64);
    BufferedReader passing(direct, buffer);
    REQUIRE(passing.read(big).value() == 16);
    REQUIRE(direct.calls == 1);
}

TEST_CASE("A buffered writer batches small writes and flushes through")
{
    TrickleWriter inner(100);
    u8 buffer[8];
    BufferedWriter writer(inner, buffer);
    for (char character : std::string_view("abcdefghij"))
        REQUIRE(writer.write(bytes_of(std::string_view(&character, 1))).value() == 1);
    REQUIRE(inner.calls == 1);
    REQUIRE(inner.text == "abcdefgh");
    REQUIRE(writer.pending() == 2);
    REQUIRE_FALSE(writer.flush().is_error());
    REQUIRE(inner.text == "abcdefghij");
    REQUIRE(inner.flushes == 1);
    REQUIRE(writer.pending() == 0);

    REQUIRE(writer.write(bytes_of("0123456789ABCDEF")).value() == 16);
    REQUIRE(inner.text == "abcdefghij0123456789ABCDEF");

    REQUIRE(writer.write(bytes_of("xy")).value() == 2);
    inner.fail = true;
    REQUIRE(writer.flush().error().code() == ErrorCode::Busy);
    REQUIRE(writer.pending() == 0); /* dropped, and reported */
}

TEST_CASE("Buffered streams preserve bytes under random transfer sizes")
{
    std::mt19937 random(99);
    for (int round = 0; round < 300; ++round) {
        std::string text(random() % 200, '\0');
        for (auto& character : text)
            character = static_cast<char>(random());
        TrickleReader inner(text, 1 + random() % 9);
        std::vector<u8> buffer(1 + random() % 16);
        BufferedReader reader(inner, std::span<u8>(buffer));
        TrickleWriter sink(1 + random() % 7);
        std::vector<u8> write_buffer(1 + random() % 16);
        BufferedWriter writer(sink, std::span<u8>(write_buffer));
        while (true) {
            std::vector<u8> chunk(1 + random() % 20);
            usize count = reader.read(std::span<u8>(chunk)).value();
            if (count == 0)
                break;
            REQUIRE_FALSE(write_all(writer, std::span<u8 const>(chunk.data(), count)).is_error());
        }
        REQUIRE_FALSE(writer.flush().is_error());
        REQUIRE(sink.text == text);
    }
}

TEST_CASE("Text targets such as the console sit behind Write")
{
    Console console;
    TextTargetWriter writer(console);
    REQUIRE_FALSE(write_all(writer, "boot: ok\n").is_error());
    REQUIRE(console.text == "boot: ok\n");
}
