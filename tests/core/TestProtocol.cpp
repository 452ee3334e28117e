/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Declared protocols: what a declaration gives (envelope, canonical encoding, schema id, error
 * domain, dispatch), round trips of every vfs message, and that the schema id follows the
 * structure: a renamed, retyped, added or reordered field or message changes it; a summary does not.
 */

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vectra/encoding/Json.h>
#include <vectra/encoding/MessagePack.h>
#include <vectra/fs/Protocol.h>
#include <vectra/protocol/Dispatch.h>

using namespace vectra;

namespace {

/* A small protocol, and variants that each differ from it in one way. */
enum class SampleError : u16 {
    Refused = 1,
};

struct Ask {
    u32 number { 0 };
    FixedString<8> label;
    static constexpr auto fields() { return vectra::fields(field("number", &Ask::number), field("label", &Ask::label)); }
};

struct Answer {
    u64 total { 0 };
    static constexpr auto fields() { return vectra::fields(field("total", &Answer::total)); }
};

struct Ping {
    static constexpr auto fields() { return vectra::fields(); }
};

template<typename AskType = Ask, u16 Version = 1, u32 SlotSize = 64>
struct Sample {
    static constexpr std::string_view name = "test.sample";
    static constexpr u16 version = Version;
    static constexpr u32 slot_count = 4;
    static constexpr u32 slot_size = SlotSize;
    using Errors = SampleError;
    static constexpr auto errors() { return protocol::errors(protocol::error(SampleError::Refused, "refused", "it said no")); }
    static constexpr auto messages()
    {
        return protocol::messages(protocol::message<AskType, Answer>("ask", "Adds."), protocol::message<Ping, protocol::Done>("ping", "Nothing."));
    }
};
using Base = Sample<>;

inline constexpr ErrorDomain sample_domain = protocol::error_domain<Base>();
constexpr ErrorDomain const& error_domain(SampleError) { return sample_domain; }

struct AskRenamed {
    u32 number { 0 };
    FixedString<8> label;
    static constexpr auto fields() { return vectra::fields(field("count", &AskRenamed::number), field("label", &AskRenamed::label)); }
};
struct AskRetyped {
    u64 number { 0 };
    FixedString<8> label;
    static constexpr auto fields() { return vectra::fields(field("number", &AskRetyped::number), field("label", &AskRetyped::label)); }
};
struct AskReordered {
    u32 number { 0 };
    FixedString<8> label;
    static constexpr auto fields() { return vectra::fields(field("label", &AskReordered::label), field("number", &AskReordered::number)); }
};
struct AskLonger {
    u32 number { 0 };
    FixedString<9> label;
    static constexpr auto fields() { return vectra::fields(field("number", &AskLonger::number), field("label", &AskLonger::label)); }
};
struct AskExtended {
    u32 number { 0 };
    FixedString<8> label;
    bool urgent { false };
    static constexpr auto fields()
    {
        return vectra::fields(field("number", &AskExtended::number), field("label", &AskExtended::label), field("urgent", &AskExtended::urgent));
    }
};

struct SampleMessagesSwapped : Base {
    static constexpr auto messages()
    {
        return protocol::messages(protocol::message<Ping, protocol::Done>("ping", "Nothing."), protocol::message<Ask, Answer>("ask", "Adds."));
    }
};
struct SampleMessageRenamed : Base {
    static constexpr auto messages()
    {
        return protocol::messages(protocol::message<Ask, Answer>("add", "Adds."), protocol::message<Ping, protocol::Done>("ping", "Nothing."));
    }
};
struct SampleSummaryChanged : Base {
    static constexpr auto messages()
    {
        return protocol::messages(protocol::message<Ask, Answer>("ask", "Adds two numbers."), protocol::message<Ping, protocol::Done>("ping", "Does nothing."));
    }
};
struct SampleErrorRenamed : Base {
    static constexpr auto errors() { return protocol::errors(protocol::error(SampleError::Refused, "declined", "it said no")); }
};
struct SampleCarrying : Base {
    static constexpr auto messages()
    {
        return protocol::messages(protocol::message<Ask, Answer>("ask", "Adds.").carrying(CapabilityClass::Memory, std::nullopt),
            protocol::message<Ping, protocol::Done>("ping", "Nothing."));
    }
};

struct SampleHandler {
    u32 pings { 0 };
    ErrorOr<Answer> handle(Ask const& ask)
    {
        if (ask.label.view() == "no")
            return Error(SampleError::Refused, "refused on request");
        if (ask.label.view() == "oom")
            return Error(ErrorCode::OutOfMemory, "out of memory on request");
        return Answer { u64(ask.number) * 2 };
    }
    ErrorOr<protocol::Done> handle(Ping const&)
    {
        ++pings;
        return protocol::Done {};
    }
};

struct Text {
    std::string text;
    constexpr void append(std::string_view part) { text.append(part); }
};

template<typename P>
std::string described()
{
    Text sink;
    protocol::describe_protocol<P>(sink);
    return sink.text;
}

template<typename Request>
std::vector<u8> encoded(Request const& request, u32 call_id = 7)
{
    u8 buffer[protocol::payload_capacity<Base>];
    return { buffer, buffer + protocol::encode_request<Base>(request, call_id, buffer).value() };
}

}

TEST_CASE("a declaration's structural description names every message, field, type and error in order")
{
    REQUIRE(described<Base>()
        == "protocol test.sample version 1\nslots 4x64\nerror 1 refused\n"
           "message 1 ask request {number:u32,label:string<8>} reply {total:u64}\n"
           "message 2 ping request {} reply {}\n");
    REQUIRE(described<SampleCarrying>().find("message 1 ask request {number:u32,label:string<8>} carrying class 2 reply") != std::string::npos);
    REQUIRE(described<vfs::Protocol>().find("{path:path=vector<string<63>,16>,offset:u64,data:vector<u8,512>}") != std::string::npos);
}

TEST_CASE("the schema id changes when a field, a message, an error, the version or the slots change, not when a summary does")
{
    constexpr u64 base = protocol::schema_id<Base>;
    constexpr u64 variants[] = {
        protocol::schema_id<Sample<AskRenamed>>,
        protocol::schema_id<Sample<AskRetyped>>,
        protocol::schema_id<Sample<AskReordered>>,
        protocol::schema_id<Sample<AskLonger>>,
        protocol::schema_id<Sample<AskExtended>>,
        protocol::schema_id<Sample<Ask, 2>>,
        protocol::schema_id<Sample<Ask, 1, 128>>,
        protocol::schema_id<SampleMessagesSwapped>,
        protocol::schema_id<SampleMessageRenamed>,
        protocol::schema_id<SampleErrorRenamed>,
        protocol::schema_id<SampleCarrying>,
    };
    for (usize index = 0; index < std::size(variants); ++index) {
        INFO("variant " << index);
        REQUIRE(variants[index] != base);
        for (usize other = 0; other < index; ++other)
            REQUIRE(variants[other] != variants[index]);
    }
    REQUIRE(protocol::schema_id<SampleSummaryChanged> == base);
    /* It is the hash of the description (FNV-1a 64), so the ids the kernel checks at bind are reproducible. */
    REQUIRE(protocol::schema_id<Base> == schema_id_of(described<Base>()));
    REQUIRE(protocol::schema_id<vfs::Protocol> == vfs::schema_id);
}

TEST_CASE("requests encode to the envelope and canonical body the declaration gives")
{
    Ask ask { 0x01020304, FixedString<8>::try_from("hi").value() };
    auto bytes = encoded(ask, 0x0a0b0c0d);
    REQUIRE(bytes == std::vector<u8> { 1, 0, 0, 0, 0x0d, 0x0c, 0x0b, 0x0a, 4, 3, 2, 1, 2, 0, 0, 0, 'h', 'i' });
    REQUIRE(encoded(Ping {}, 1) == std::vector<u8> { 2, 0, 0, 0, 1, 0, 0, 0 });
    REQUIRE(protocol::largest_message<Base>() == 8 + 4 + 4 + 8);
    REQUIRE(protocol::index_of<Base, Ping>() == 1);
}

TEST_CASE("dispatch answers each message with its handler's reply or its declared error")
{
    SampleHandler handler;
    u8 reply[protocol::payload_capacity<Base>];
    auto answer = [&](std::vector<u8> const& request) {
        usize length = protocol::dispatch<Base>(handler, request, reply);
        return std::vector<u8>(reply, reply + length);
    };
    auto doubled = answer(encoded(Ask { 21, FixedString<8>::try_from("x").value() }, 5));
    REQUIRE(doubled == std::vector<u8> { 1, 0x80, 0, 0, 5, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0 });
    auto refused = answer(encoded(Ask { 1, FixedString<8>::try_from("no").value() }, 6));
    auto envelope = protocol::read_envelope(refused).value();
    REQUIRE(refused.size() == protocol::envelope_size);
    REQUIRE(envelope.status == u16(SampleError::Refused));
    Error as_error = protocol::error_of_status(envelope.status, sample_domain);
    REQUIRE(as_error.is(SampleError::Refused));
    REQUIRE(as_error.code() == ErrorCode::DomainError);
    REQUIRE(std::string(as_error.name()) == "refused");
    auto general = protocol::read_envelope(answer(encoded(Ask { 1, FixedString<8>::try_from("oom").value() }))).value();
    REQUIRE(protocol::error_of_status(general.status, sample_domain).is(ErrorCode::OutOfMemory));
    REQUIRE(answer(encoded(Ping {}, 9)) == std::vector<u8> { 2, 0x80, 0, 0, 9, 0, 0, 0 });
    REQUIRE(handler.pings == 1);
    /* A body of the right type but a field out of its bounds never reaches the handler. */
    auto too_long = encoded(Ask { 1, FixedString<8>::try_from("12345678").value() });
    too_long[12] = 9;
    too_long.push_back('9');
    auto malformed = protocol::read_envelope(answer(too_long)).value();
    REQUIRE(protocol::error_of_status(malformed.status, sample_domain).is(ErrorCode::MalformedMessage));
}

TEST_CASE("errors of different domains with the same number are different errors")
{
    Error sample(SampleError::Refused, "");
    Error filesystem(vfs::VfsError::NotEmpty, "");
    REQUIRE(u16(SampleError::Refused) == u16(vfs::VfsError::NotEmpty));
    REQUIRE_FALSE(sample == filesystem);
    REQUIRE_FALSE(sample.is(vfs::VfsError::NotEmpty));
    REQUIRE(filesystem.is(vfs::VfsError::NotEmpty));
    REQUIRE_FALSE(filesystem.is(ErrorCode::NotFound));
    REQUIRE(std::string(filesystem.name()) == "not-empty");
    REQUIRE(std::string(Error(vfs::domain, 999, "").name()) == "unknown-domain-error");
    REQUIRE(std::string(Error(ErrorCode::NotFound, "").name()) == "not-found");
}

namespace {

Path random_path(std::mt19937& random)
{
    Path path = Path::root();
    usize count = random() % (Path::maximum_components + 1);
    for (usize index = 0; index < count; ++index) {
        std::string component(1 + random() % Path::maximum_component_length, 'a');
        for (auto& character : component)
            character = static_cast<char>('a' + random() % 26);
        path = path.try_join(component).value();
    }
    return path;
}

vfs::Data random_bytes(std::mt19937& random)
{
    vfs::Data data;
    usize count = random() % (vfs::maximum_transfer + 1);
    for (usize index = 0; index < count; ++index)
        (void)data.try_append(static_cast<u8>(random()));
    return data;
}

template<typename Request>
void round_trip(Request const& request, u32 call_id)
{
    u8 buffer[protocol::payload_capacity<vfs::Protocol>];
    usize length = protocol::encode_request<vfs::Protocol>(request, call_id, buffer).value();
    auto bytes = std::span<u8 const>(buffer, length);
    auto envelope = protocol::read_envelope(bytes).value();
    REQUIRE(envelope.message == protocol::index_of<vfs::Protocol, Request>() + 1);
    REQUIRE(envelope.call_id == call_id);
    Request decoded {};
    REQUIRE_FALSE(protocol::decode_body(bytes, decoded).is_error());
    u8 again[protocol::payload_capacity<vfs::Protocol>];
    usize again_length = protocol::encode_request<vfs::Protocol>(decoded, call_id, again).value();
    REQUIRE(std::vector<u8>(again, again + again_length) == std::vector<u8>(bytes.begin(), bytes.end()));
    /* Every shorter prefix is refused: nothing decodes from part of a message. */
    for (usize cut = protocol::envelope_size; cut < length; cut += 1 + length / 16) {
        Request partial {};
        REQUIRE(protocol::decode_body(bytes.first(cut), partial).is_error());
    }
}

}

TEST_CASE("every vfs request survives an encode/decode round trip, byte for byte, and its prefixes are refused")
{
    std::mt19937 random(2026);
    for (int round = 0; round < 300; ++round) {
        u32 id = static_cast<u32>(random());
        Path path = random_path(random);
        round_trip(vfs::CreateDirectory { path }, id);
        round_trip(vfs::Write { path, random(), random_bytes(random) }, id);
        round_trip(vfs::Read { path, random(), static_cast<u16>(random()) }, id);
        round_trip(vfs::List { path, static_cast<u32>(random()) }, id);
        round_trip(vfs::Stat { path }, id);
        round_trip(vfs::Remove { path }, id);
        round_trip(vfs::Open { path, (random() & 1) != 0 }, id);
        round_trip(vfs::ReadFile { static_cast<u32>(random()), random(), static_cast<u16>(random()) }, id);
        round_trip(vfs::WriteFile { static_cast<u32>(random()), random(), random_bytes(random) }, id);
        round_trip(vfs::FileStat { static_cast<u32>(random()) }, id);
        round_trip(vfs::CloseFile { static_cast<u32>(random()) }, id);
    }
}

TEST_CASE("a Path travels as its components in every encoding and is rebuilt only when each is valid")
{
    vfs::Stat stat { Path::root().try_join("a").value().try_join("b").value() };
    char json[256];
    usize length = encode_json(stat, json).value();
    REQUIRE(std::string_view(json, length) == R"({"path":["a","b"]})");
    vfs::Stat decoded;
    REQUIRE_FALSE(decode_json(std::string_view(json, length), decoded).is_error());
    REQUIRE(decoded.path == stat.path);
    u8 packed[256];
    usize packed_length = encode_message_pack(stat, packed).value();
    vfs::Stat unpacked;
    REQUIRE_FALSE(decode_message_pack(std::span<u8 const>(packed, packed_length), unpacked).is_error());
    REQUIRE(unpacked.path == stat.path);
    for (auto const* bad : { R"({"path":[".."]})", R"({"path":["a/b"]})", R"({"path":[""]})", R"({"path":["."]})" }) {
        INFO(bad);
        REQUIRE(decode_json(bad, decoded).is_error());
    }
}
