/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <catch2/catch.hpp>
#include <string>
#include <vector>
#include <vectra/kernel/Ring.h>
#include <vectra/io/Memory.h>
#include <vectra/kernel/Console.h>
#include <vectra/log/Logger.h>
#include <vectra/log/MessageSink.h>
#include <vectra/log/TextSink.h>

using namespace vectra;

namespace {

/* Keeps copies of what it is given; can be told to refuse. */
struct CapturingSink {
    struct Copy {
        log::Level level;
        std::string component;
        std::string message;
        std::vector<std::pair<std::string, log::Value::Kind>> fields;
        std::optional<MonotonicInstant> time;
    };
    std::vector<Copy> records;
    bool refuse { false };

    ErrorOr<void> write(log::Record const& record)
    {
        if (refuse)
            return Error(ErrorCode::Full, "sink is full");
        Copy copy { record.level, std::string(record.component), std::string(record.message), {}, record.time };
        for (auto const& pair : record.fields)
            copy.fields.push_back({ std::string(pair.key), pair.value.kind() });
        records.push_back(copy);
        return {};
    }
};

struct Console {
    std::string text;
    void write(std::string_view part) { text += part; }
};

struct CapturingSender {
    std::vector<std::vector<u8>> messages;
    ErrorOr<void> try_send(std::span<u8 const> bytes)
    {
        if (bytes.size() > capacity)
            return Error(ErrorCode::TooLarge, "message does not fit a slot");
        messages.emplace_back(bytes.begin(), bytes.end());
        return {};
    }
    usize capacity { 4096 };
};

std::string line_of(log::Record const& record)
{
    log::TextLine line;
    log::format_text_line(record, line);
    return std::string(line.view());
}

}

TEST_CASE("Log values keep their types; a string literal is text, not a bool")
{
    STATIC_REQUIRE(log::Sink<CapturingSink>);
    STATIC_REQUIRE_FALSE(log::Sink<Console>);
    REQUIRE(log::Value("text").kind() == log::Value::Kind::Text);
    REQUIRE(log::Value(std::string_view("text")).as_text() == "text");
    REQUIRE(log::Value(true).kind() == log::Value::Kind::Bool);
    REQUIRE(log::Value(-3).kind() == log::Value::Kind::Signed);
    REQUIRE(log::Value(3u).kind() == log::Value::Kind::Unsigned);
    REQUIRE(log::Value(u64(1) << 63).as_unsigned() == u64(1) << 63);
    REQUIRE(log::Value(Duration::from_milliseconds(2)).as_duration() == Duration::from_milliseconds(2));
    REQUIRE(log::Value(Utf8View("\xC3\xA9")).as_text() == "\xC3\xA9");
}

TEST_CASE("A logger writes records at or above its level to the sink it was given")
{
    CapturingSink sink;
    ManualClock source(2'000'000'000);
    MonotonicClock clock = source.clock();
    log::Logger logger(sink, "vfsd", log::Level::Info, &clock);
    logger.debug("not shown");
    logger.info("listening", { { "slots", 8u }, { "schema", "vectra.vfs" } });
    logger.error("failed", { { "code", -5 } });
    REQUIRE(sink.records.size() == 2);
    REQUIRE(sink.records[0].component == "vfsd");
    REQUIRE(sink.records[0].message == "listening");
    REQUIRE(sink.records[0].fields.size() == 2);
    REQUIRE(sink.records[0].fields[1].first == "schema");
    REQUIRE(sink.records[0].fields[1].second == log::Value::Kind::Text);
    REQUIRE(sink.records[0].time->nanoseconds_since_boot() == 2'000'000'000);
    REQUIRE(sink.records[1].level == log::Level::Error);

    logger.set_minimum(log::Level::Trace);
    REQUIRE(logger.is_enabled(log::Level::Trace));
    auto child = logger.for_component("vfsd.ram");
    child.trace("detail");
    REQUIRE(sink.records.back().component == "vfsd.ram");

    log::Logger untimed(sink, "initd");
    untimed.warning("no clock");
    REQUIRE_FALSE(sink.records.back().time.has_value());
}

TEST_CASE("Sink failures are counted by log() and returned by try_log()")
{
    CapturingSink sink;
    sink.refuse = true;
    log::Logger logger(sink, "netd");
    logger.info("lost");
    logger.info("lost too");
    REQUIRE(logger.dropped() == 2);
    REQUIRE(logger.try_log(log::Level::Info, "reported").error().code() == ErrorCode::Full);
    REQUIRE(logger.try_log(log::Level::Debug, "filtered, so nothing to fail").is_error() == false);
}

TEST_CASE("A record becomes one text line")
{
    log::KeyValue fields[] = { { "slots", 8u }, { "schema", "vectra.vfs" }, { "ok", true }, { "delta", -3 },
        { "took", Duration::from_milliseconds(250) }, { "whole", Duration::from_seconds(2) } };
    log::Record record;
    record.level = log::Level::Info;
    record.component = "vfsd";
    record.message = "listening";
    record.fields = fields;
    record.time = MonotonicInstant::from_nanoseconds_since_boot(12'000'345'678);
    REQUIRE(line_of(record)
        == "[   12.000345] INFO    vfsd: listening slots=8 schema=\"vectra.vfs\" ok=true delta=-3 took=0.25s "
           "whole=2s\n");
    record.time.reset();
    record.fields = {};
    record.level = log::Level::Warning;
    REQUIRE(line_of(record) == "WARNING vfsd: listening\n");
}

TEST_CASE("Text lines cannot be forged: controls, quotes and invalid UTF-8 are escaped")
{
    log::KeyValue fields[] = { { "name", "a\"b\\c\nd" }, { "bytes", std::string_view("\xFF\xC3\xA9\x01", 4) } };
    log::Record record;
    record.level = log::Level::Error;
    record.component = "app";
    record.message = "bad\nERROR kernel: forged line\r\x1B[2J";
    record.fields = fields;
    auto line = line_of(record);
    REQUIRE(line
        == "ERROR   app: bad\\nERROR kernel: forged line\\r\\x1b[2J name=\"a\\\"b\\\\c\\nd\" "
           "bytes=\"\\xff\xC3\xA9\\x01\"\n");
    REQUIRE(std::count(line.begin(), line.end(), '\n') == 1);
}

TEST_CASE("A line that does not fit says it was truncated, never cutting an escape or a character")
{
    std::string message;
    while (message.size() < 600)
        message += "\xE2\x82\xAC\n"; /* 3-byte character, then a 2-byte escape */
    log::Record record;
    record.component = "long";
    record.message = message;
    log::TextLine line;
    REQUIRE_FALSE(log::format_text_line(record, line));
    std::string text(line.view());
    REQUIRE(text.size() <= log::text_line_capacity);
    REQUIRE(text.ends_with(" [truncated]\n"));
    auto body = text.substr(0, text.size() - 13);
    REQUIRE((body.ends_with("\xE2\x82\xAC") || body.ends_with("\\n")));
    REQUIRE_FALSE(validate_utf8(text).is_error());
}

TEST_CASE("The kernel's console and a Ring's sending end fit the sinks as they are")
{
    STATIC_REQUIRE(io::Write<io::TextTargetWriter<ConsoleDevice>>);
    STATIC_REQUIRE(log::Sink<log::TextSink<io::TextTargetWriter<ConsoleDevice>>>);
    STATIC_REQUIRE(log::Sink<log::MessageSink<RingSender>>);
}

TEST_CASE("A text sink writes each record as a line to any writer")
{
    Console console;
    io::TextTargetWriter writer(console);
    log::TextSink sink(writer);
    log::Logger logger(sink, "initd");
    logger.info("ready", { { "services", 2u } });
    logger.info("done");
    REQUIRE(console.text == "INFO    initd: ready services=2\nINFO    initd: done\n");

    u8 small[10];
    io::SpanWriter full(small);
    log::TextSink refusing(full);
    log::Logger refused(refusing, "initd");
    REQUIRE(refused.try_log(log::Level::Info, "too long for ten bytes").error().code() == ErrorCode::Full);
}

TEST_CASE("A message sink sends the canonical wire form, which decodes back to the record")
{
    CapturingSender sender;
    log::MessageSink sink(sender);
    ManualClock source(42);
    MonotonicClock clock = source.clock();
    log::Logger logger(sink, "netd", log::Level::Debug, &clock);
    logger.debug("link up",
        { { "mtu", 1500u }, { "name", "eth0" }, { "up", true }, { "rtt", Duration::from_microseconds(-7) },
            { "n", -1 } });
    REQUIRE(sender.messages.size() == 1);

    log::WireRecord wire;
    REQUIRE_FALSE(log::decode_wire_record(std::span<u8 const>(sender.messages[0]), wire).is_error());
    log::KeyValue storage[log::WireRecord::maximum_pairs];
    auto record = log::view_of(wire, storage);
    REQUIRE(record.level == log::Level::Debug);
    REQUIRE(record.component == "netd");
    REQUIRE(record.message == "link up");
    REQUIRE(record.time->nanoseconds_since_boot() == 42);
    REQUIRE(record.fields.size() == 5);
    REQUIRE(record.fields[0].value.as_unsigned() == 1500);
    REQUIRE(record.fields[1].value.as_text() == "eth0");
    REQUIRE(record.fields[2].value.as_bool());
    REQUIRE(record.fields[3].value.as_duration() == Duration::from_microseconds(-7));
    REQUIRE(record.fields[4].value.as_signed() == -1);
    REQUIRE_FALSE(wire.truncated);
    REQUIRE(
        line_of(record) == "[    0.000000] DEBUG   netd: link up mtu=1500 name=\"eth0\" up=true rtt=-0.000007s n=-1\n");
}

TEST_CASE("The wire form cuts what does not fit and says so; the consumer checks what decoding cannot")
{
    CapturingSender sender;
    log::MessageSink sink(sender);
    log::Logger logger(sink, "x");
    std::string long_text(300, 'a');
    long_text += "\xE2\x82\xAC";
    logger.info(long_text,
        { { "1", 1 }, { "2", 2 }, { "3", 3 }, { "4", 4 }, { "5", 5 }, { "6", 6 }, { "7", 7 }, { "8", 8 }, { "9", 9 } });
    log::WireRecord wire;
    REQUIRE_FALSE(log::decode_wire_record(std::span<u8 const>(sender.messages[0]), wire).is_error());
    REQUIRE(wire.truncated);
    REQUIRE(wire.pairs.size() == 8);
    REQUIRE(wire.message.length() == 192);

    std::string cut(190, 'b');
    cut += "\xE2\x82\xAC"; /* 193 bytes: the euro sign would be cut in half, so it goes whole */
    logger.info(cut);
    REQUIRE_FALSE(log::decode_wire_record(std::span<u8 const>(sender.messages[1]), wire).is_error());
    REQUIRE(wire.message.length() == 190);

    auto bad_level = sender.messages[1];
    bad_level[encoding::binary_header_size] = 9;
    auto error = log::decode_wire_record(std::span<u8 const>(bad_level), wire).error();
    REQUIRE(error.message == std::string_view("unknown log level"));
    REQUIRE(error.field == "level");

    logger.info("kinds", { { "k", 1 } });
    auto bad_kind = sender.messages[2];
    /* level, no time, component "x", message "kinds", count 1, key "k", then the kind byte */
    usize kind_offset = encoding::binary_header_size + 1 + 1 + 5 + 9 + 4 + 5;
    REQUIRE(bad_kind[kind_offset] == static_cast<u8>(log::Value::Kind::Signed));
    bad_kind[kind_offset] = 7;
    REQUIRE(log::decode_wire_record(std::span<u8 const>(bad_kind), wire).error().message
        == std::string_view("unknown value kind"));

    REQUIRE(log::maximum_wire_record_size == maximum_binary_size<log::WireRecord>());
    sender.capacity = 16;
    REQUIRE(logger.try_log(log::Level::Info, "too big for the slot").error().code() == ErrorCode::TooLarge);
}
