/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio-gpu 2D commands (core/virtio, vectra/virtio/Gpu.h) against a software GPU: the command
 * bytes are checked at the offsets virtio 1.2 §5.7.6 gives (not through the driver's own
 * structs), the device answers each command with every ERR_* type, writes short and ill-typed
 * answers and used entries no honest device writes, and the driver's bad rectangles are refused
 * before the device sees a byte.
 */

#include "VirtioDeviceModel.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>
#include <vectra/virtio/Gpu.h>

using namespace vectra;
using namespace vectra::virtio;
using namespace vectra::virtio::gpu;
using namespace vectra::virtio::test;

namespace {

constexpr usize queue_bytes = 8 * 1024;
constexpr usize commands_at = queue_bytes;

u32 word_at(u8 const* bytes, usize offset)
{
    u32 value;
    std::memcpy(&value, bytes + offset, 4);
    return value;
}

u64 double_word_at(u8 const* bytes, usize offset)
{
    u64 value;
    std::memcpy(&value, bytes + offset, 8);
    return value;
}

void put_word(u8* bytes, usize offset, u32 value) { std::memcpy(bytes + offset, &value, 4); }

/* What the software GPU saw of one command: its request bytes, and where it may answer. */
struct Seen {
    u16 head { 0 };
    std::vector<u8> request;
    u64 response_address { 0 };
    u32 response_length { 0 };
};

struct Fixture {
    GuestMemory<64 * 1024> memory;
    SplitQueue queue;
    DeviceModel model;
    ControlQueue control;

    explicit Fixture(u32 scanouts = 1)
        : queue(SplitQueue::create({ memory.bytes, queue_bytes }, 64, false).release_value())
        , model(memory.bytes, memory.bytes, queue.layout(), false)
        , control(ControlQueue::create(queue, { memory.bytes + commands_at, ControlQueue::memory_size }, commands_at,
                      scanouts)
                      .release_value())
    {
    }

    /* The next command the device takes: exactly two descriptors, the request then the response. */
    Seen take()
    {
        (void)control.publish();
        auto chain = model.take_chain();
        REQUIRE(chain.has_value());
        REQUIRE(chain->descriptors.size() == 2);
        auto const& request = chain->descriptors[0];
        auto const& response = chain->descriptors[1];
        REQUIRE((request.flags & descriptor_device_writes) == 0);
        REQUIRE((response.flags & descriptor_device_writes) != 0);
        Seen seen;
        seen.head = chain->head;
        seen.request.assign(memory.bytes + request.address, memory.bytes + request.address + request.length);
        seen.response_address = response.address;
        seen.response_length = response.length;
        return seen;
    }

    bool nothing_taken()
    {
        (void)control.publish();
        return !model.take_chain().has_value();
    }

    /* Answers `seen` with a bare header of `type`, claiming `written` bytes (24 unless told). */
    void answer(Seen const& seen, u32 type, u32 written = 24)
    {
        std::memset(memory.bytes + seen.response_address, 0, 24);
        put_word(memory.bytes + seen.response_address, 0, type);
        model.put_used(seen.head, written);
    }

    ErrorOr<Answer> run_ok()
    {
        auto seen = take();
        answer(seen, u32(ResponseType::OkNoData));
        return control.take_answer();
    }

    /* Resource `id` of width x height, live, with a backing of its size at device address 0x10000. */
    void live_resource(u32 id, u32 width, u32 height)
    {
        REQUIRE_FALSE(control.create_resource(id, Format::B8G8R8X8, width, height).is_error());
        REQUIRE_FALSE(run_ok().is_error());
        MemoryEntry entry { 0x10000, width * height * 4, 0 };
        REQUIRE_FALSE(control.attach_backing(id, { &entry, 1 }).is_error());
        REQUIRE_FALSE(run_ok().is_error());
    }
};

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

}

TEST_CASE("each command's bytes are the spec's structure, offset by offset")
{
    Fixture fixture;
    REQUIRE_FALSE(fixture.control.get_display_info().is_error());
    auto seen = fixture.take();
    REQUIRE(seen.request.size() == 24);
    CHECK(word_at(seen.request.data(), 0) == 0x0100);
    CHECK(word_at(seen.request.data(), 4) == 0); /* flags: no fence */
    CHECK(double_word_at(seen.request.data(), 8) == 0);
    CHECK(word_at(seen.request.data(), 16) == 0); /* ctx_id */
    CHECK(seen.response_length >= 408);
    /* One enabled scanout of 1024x768 at (0, 0). */
    u8* response = fixture.memory.bytes + seen.response_address;
    std::memset(response, 0, 408);
    put_word(response, 0, 0x1101);
    put_word(response, 24 + 8, 1024);
    put_word(response, 24 + 12, 768);
    put_word(response, 24 + 16, 1);
    fixture.model.put_used(seen.head, 408);
    auto info = fixture.control.take_answer();
    REQUIRE_FALSE(info.is_error());
    CHECK(info.value().command == CommandType::GetDisplayInfo);
    CHECK(info.value().display_info.modes[0].enabled);
    CHECK(info.value().display_info.modes[0].rectangle.width == 1024);
    CHECK(info.value().display_info.modes[0].rectangle.height == 768);
    CHECK_FALSE(info.value().display_info.modes[1].enabled);

    REQUIRE_FALSE(fixture.control.create_resource(7, Format::B8G8R8X8, 640, 480).is_error());
    seen = fixture.take();
    REQUIRE(seen.request.size() == 40);
    CHECK(word_at(seen.request.data(), 0) == 0x0101);
    CHECK(word_at(seen.request.data(), 24) == 7);
    CHECK(word_at(seen.request.data(), 28) == 2); /* VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM */
    CHECK(word_at(seen.request.data(), 32) == 640);
    CHECK(word_at(seen.request.data(), 36) == 480);
    fixture.answer(seen, 0x1100);
    REQUIRE_FALSE(fixture.control.take_answer().is_error());
    CHECK(fixture.control.live(7));

    MemoryEntry entries[2] { { 0x100000, 4096 * 100, 0 }, { 0x300000, 640 * 480 * 4 - 4096 * 100, 0 } };
    REQUIRE_FALSE(fixture.control.attach_backing(7, entries).is_error());
    seen = fixture.take();
    REQUIRE(seen.request.size() == 32 + 2 * 16);
    CHECK(word_at(seen.request.data(), 0) == 0x0106);
    CHECK(word_at(seen.request.data(), 24) == 7);
    CHECK(word_at(seen.request.data(), 28) == 2);
    CHECK(double_word_at(seen.request.data(), 32) == 0x100000);
    CHECK(word_at(seen.request.data(), 40) == 4096 * 100);
    CHECK(double_word_at(seen.request.data(), 48) == 0x300000);
    CHECK(word_at(seen.request.data(), 56) == 640 * 480 * 4 - 4096 * 100);
    fixture.answer(seen, 0x1100);
    REQUIRE_FALSE(fixture.control.take_answer().is_error());

    REQUIRE_FALSE(fixture.control.set_scanout(0, 7, { 0, 0, 640, 480 }).is_error());
    seen = fixture.take();
    REQUIRE(seen.request.size() == 48);
    CHECK(word_at(seen.request.data(), 0) == 0x0103);
    CHECK(word_at(seen.request.data(), 24) == 0);
    CHECK(word_at(seen.request.data(), 28) == 0);
    CHECK(word_at(seen.request.data(), 32) == 640);
    CHECK(word_at(seen.request.data(), 36) == 480);
    CHECK(word_at(seen.request.data(), 40) == 0); /* scanout_id */
    CHECK(word_at(seen.request.data(), 44) == 7); /* resource_id */
    fixture.answer(seen, 0x1100);
    REQUIRE_FALSE(fixture.control.take_answer().is_error());

    /* The transfer's offset is where the rectangle starts in the backing: y * stride + x * 4. */
    REQUIRE_FALSE(fixture.control.transfer_to_host(7, { 10, 20, 30, 40 }).is_error());
    seen = fixture.take();
    REQUIRE(seen.request.size() == 56);
    CHECK(word_at(seen.request.data(), 0) == 0x0105);
    CHECK(word_at(seen.request.data(), 24) == 10);
    CHECK(word_at(seen.request.data(), 28) == 20);
    CHECK(word_at(seen.request.data(), 32) == 30);
    CHECK(word_at(seen.request.data(), 36) == 40);
    CHECK(double_word_at(seen.request.data(), 40) == 20 * 640 * 4 + 10 * 4);
    CHECK(word_at(seen.request.data(), 48) == 7);
    fixture.answer(seen, 0x1100);
    REQUIRE_FALSE(fixture.control.take_answer().is_error());

    REQUIRE_FALSE(fixture.control.flush(7, { 10, 20, 30, 40 }).is_error());
    seen = fixture.take();
    REQUIRE(seen.request.size() == 48);
    CHECK(word_at(seen.request.data(), 0) == 0x0104);
    CHECK(word_at(seen.request.data(), 24) == 10);
    CHECK(word_at(seen.request.data(), 36) == 40);
    CHECK(word_at(seen.request.data(), 40) == 7);
    fixture.answer(seen, 0x1100);
    REQUIRE_FALSE(fixture.control.take_answer().is_error());

    REQUIRE_FALSE(fixture.control.unref(7).is_error());
    seen = fixture.take();
    REQUIRE(seen.request.size() == 32);
    CHECK(word_at(seen.request.data(), 0) == 0x0102);
    CHECK(word_at(seen.request.data(), 24) == 7);
    fixture.answer(seen, 0x1100);
    REQUIRE_FALSE(fixture.control.take_answer().is_error());
    CHECK_FALSE(fixture.control.live(7));
}

TEST_CASE("every ERR_* answer to every command is that command's error, and the state stays honest")
{
    for (u32 error = 0x1200; error <= 0x1205; ++error) {
        INFO("response type " << error);
        Fixture fixture;
        auto expect_error = [&](ErrorOr<Answer> const& result) {
            REQUIRE(result.is_error());
            CHECK(result.error().domain() == &response_error_domain);
            CHECK(result.error().is(static_cast<ResponseError>(error - 0x1200 + 1)));
            CHECK_FALSE(fixture.control.busy());
        };
        REQUIRE_FALSE(fixture.control.get_display_info().is_error());
        fixture.answer(fixture.take(), error);
        expect_error(fixture.control.take_answer());

        /* A refused create leaves no resource: the id may be created again. */
        REQUIRE_FALSE(fixture.control.create_resource(1, Format::B8G8R8X8, 64, 64).is_error());
        fixture.answer(fixture.take(), error);
        expect_error(fixture.control.take_answer());
        CHECK_FALSE(fixture.control.live(1));
        CHECK(code_of(fixture.control.transfer_to_host(1, { 0, 0, 1, 1 })) == ErrorCode::NotFound);
        REQUIRE_FALSE(fixture.control.create_resource(1, Format::B8G8R8X8, 64, 64).is_error());
        REQUIRE_FALSE(fixture.run_ok().is_error());

        /* A refused attach leaves the resource without backing: a transfer is refused before the device. */
        MemoryEntry entry { 0x10000, 64 * 64 * 4, 0 };
        REQUIRE_FALSE(fixture.control.attach_backing(1, { &entry, 1 }).is_error());
        fixture.answer(fixture.take(), error);
        expect_error(fixture.control.take_answer());
        CHECK(code_of(fixture.control.transfer_to_host(1, { 0, 0, 1, 1 })) == ErrorCode::InvalidArgument);
        CHECK(fixture.nothing_taken());
        REQUIRE_FALSE(fixture.control.attach_backing(1, { &entry, 1 }).is_error());
        REQUIRE_FALSE(fixture.run_ok().is_error());

        REQUIRE_FALSE(fixture.control.set_scanout(0, 1, { 0, 0, 64, 64 }).is_error());
        fixture.answer(fixture.take(), error);
        expect_error(fixture.control.take_answer());
        REQUIRE_FALSE(fixture.control.transfer_to_host(1, { 0, 0, 64, 64 }).is_error());
        fixture.answer(fixture.take(), error);
        expect_error(fixture.control.take_answer());
        REQUIRE_FALSE(fixture.control.flush(1, { 0, 0, 64, 64 }).is_error());
        fixture.answer(fixture.take(), error);
        expect_error(fixture.control.take_answer());
        /* A refused unref leaves the resource live. */
        REQUIRE_FALSE(fixture.control.unref(1).is_error());
        fixture.answer(fixture.take(), error);
        expect_error(fixture.control.take_answer());
        CHECK(fixture.control.live(1));
    }
}

TEST_CASE("a hostile device's answers and used entries are refused")
{
    Fixture fixture;
    /* Not answered yet: NotFound, still in flight, and a second command is Busy. */
    REQUIRE_FALSE(fixture.control.get_display_info().is_error());
    auto seen = fixture.take();
    CHECK(code_of(fixture.control.take_answer()) == ErrorCode::NotFound);
    CHECK(fixture.control.busy());
    CHECK(code_of(fixture.control.create_resource(1, Format::B8G8R8X8, 8, 8)) == ErrorCode::Busy);

    /* A display-info answer claiming fewer bytes than its structure. */
    std::memset(fixture.memory.bytes + seen.response_address, 0, 408);
    put_word(fixture.memory.bytes + seen.response_address, 0, 0x1101);
    fixture.model.put_used(seen.head, 100);
    CHECK(code_of(fixture.control.take_answer()) == ErrorCode::MalformedMessage);
    CHECK_FALSE(fixture.control.busy());

    /* OK_NODATA to GET_DISPLAY_INFO, OK_DISPLAY_INFO to a create, an undefined type. */
    REQUIRE_FALSE(fixture.control.get_display_info().is_error());
    fixture.answer(fixture.take(), 0x1100, 408);
    CHECK(code_of(fixture.control.take_answer()) == ErrorCode::MalformedMessage);
    REQUIRE_FALSE(fixture.control.create_resource(1, Format::B8G8R8X8, 8, 8).is_error());
    fixture.answer(fixture.take(), 0x1101);
    CHECK(code_of(fixture.control.take_answer()) == ErrorCode::MalformedMessage);
    CHECK_FALSE(fixture.control.live(1));
    REQUIRE_FALSE(fixture.control.create_resource(1, Format::B8G8R8X8, 8, 8).is_error());
    fixture.answer(fixture.take(), 0x1206);
    CHECK(code_of(fixture.control.take_answer()) == ErrorCode::MalformedMessage);

    /* An answer shorter than a header. */
    REQUIRE_FALSE(fixture.control.create_resource(1, Format::B8G8R8X8, 8, 8).is_error());
    fixture.answer(fixture.take(), 0x1100, 8);
    CHECK(code_of(fixture.control.take_answer()) == ErrorCode::MalformedMessage);
    CHECK_FALSE(fixture.control.live(1));

    /* A used entry longer than the response buffer, and one naming a descriptor not in flight. */
    REQUIRE_FALSE(fixture.control.get_display_info().is_error());
    seen = fixture.take();
    fixture.model.put_used(seen.head, seen.response_length + 1);
    CHECK(code_of(fixture.control.take_answer()) == ErrorCode::MalformedMessage);
    Fixture other;
    REQUIRE_FALSE(other.control.get_display_info().is_error());
    seen = other.take();
    other.model.put_used(static_cast<u32>(seen.head + 1), 24);
    CHECK(code_of(other.control.take_answer()) == ErrorCode::MalformedMessage);

    /* An enabled scanout of no size, or wider than any device has. */
    for (u32 width : { 0u, maximum_dimension + 1 }) {
        Fixture fresh;
        REQUIRE_FALSE(fresh.control.get_display_info().is_error());
        seen = fresh.take();
        u8* response = fresh.memory.bytes + seen.response_address;
        std::memset(response, 0, 408);
        put_word(response, 0, 0x1101);
        put_word(response, 24 + 8, width);
        put_word(response, 24 + 12, 768);
        put_word(response, 24 + 16, 1);
        fresh.model.put_used(seen.head, 408);
        CHECK(code_of(fresh.control.take_answer()) == ErrorCode::MalformedMessage);
    }
}

TEST_CASE("rectangles outside the resource and other driver mistakes are refused before the device sees them")
{
    Fixture fixture;
    fixture.live_resource(3, 100, 50);
    Rectangle const outside[] = {
        { 0, 0, 0, 10 },          /* empty */
        { 0, 0, 10, 0 },          /* empty */
        { 0, 0, 101, 50 },        /* one column too wide */
        { 0, 0, 100, 51 },        /* one row too tall */
        { 99, 0, 2, 1 },          /* reaches past the right edge */
        { 0, 49, 1, 2 },          /* reaches past the bottom */
        { 101, 0, 1, 1 },         /* starts past the edge */
        { 1, 0, 0xffffffff, 1 },  /* x + width overflows */
        { 0, 1, 1, 0xffffffff },  /* y + height overflows */
        { 0xffffffff, 0, 2, 1 },
    };
    for (auto const& rectangle : outside) {
        INFO("rectangle " << rectangle.x << "," << rectangle.y << " " << rectangle.width << "x" << rectangle.height);
        CHECK(code_of(fixture.control.transfer_to_host(3, rectangle)) == ErrorCode::InvalidArgument);
        CHECK(code_of(fixture.control.flush(3, rectangle)) == ErrorCode::InvalidArgument);
        CHECK(code_of(fixture.control.set_scanout(0, 3, rectangle)) == ErrorCode::InvalidArgument);
    }
    CHECK(fixture.nothing_taken());
    CHECK_FALSE(fixture.control.busy());
    /* The whole resource and its last pixel are fine. */
    REQUIRE_FALSE(fixture.control.transfer_to_host(3, { 0, 0, 100, 50 }).is_error());
    REQUIRE_FALSE(fixture.run_ok().is_error());
    REQUIRE_FALSE(fixture.control.flush(3, { 99, 49, 1, 1 }).is_error());
    REQUIRE_FALSE(fixture.run_ok().is_error());

    /* Resources that do not exist, scanouts past the device's, ids and sizes no device takes. */
    CHECK(code_of(fixture.control.transfer_to_host(4, { 0, 0, 1, 1 })) == ErrorCode::NotFound);
    CHECK(code_of(fixture.control.flush(4, { 0, 0, 1, 1 })) == ErrorCode::NotFound);
    CHECK(code_of(fixture.control.unref(4)) == ErrorCode::NotFound);
    CHECK(code_of(fixture.control.set_scanout(1, 3, { 0, 0, 1, 1 })) == ErrorCode::InvalidArgument);
    CHECK(code_of(fixture.control.create_resource(0, Format::B8G8R8X8, 8, 8)) == ErrorCode::InvalidArgument);
    CHECK(code_of(fixture.control.create_resource(3, Format::B8G8R8X8, 8, 8)) == ErrorCode::InvalidArgument);
    CHECK(code_of(fixture.control.create_resource(5, Format::B8G8R8X8, 0, 8)) == ErrorCode::InvalidArgument);
    CHECK(code_of(fixture.control.create_resource(5, Format::B8G8R8X8, 8, maximum_dimension + 1))
        == ErrorCode::InvalidArgument);
    /* A backing smaller than the resource, or with an empty entry. */
    MemoryEntry small { 0x10000, 100 * 50 * 4 - 1, 0 };
    CHECK(code_of(fixture.control.attach_backing(3, { &small, 1 })) == ErrorCode::InvalidArgument);
    MemoryEntry with_empty[2] { { 0x10000, 100 * 50 * 4, 0 }, { 0x20000, 0, 0 } };
    CHECK(code_of(fixture.control.attach_backing(3, with_empty)) == ErrorCode::InvalidArgument);
    CHECK(fixture.nothing_taken());

    /* Only maximum_resources at once. */
    for (u32 id = 10; id < 10 + ControlQueue::maximum_resources - 1; ++id) {
        REQUIRE_FALSE(fixture.control.create_resource(id, Format::B8G8R8X8, 8, 8).is_error());
        REQUIRE_FALSE(fixture.run_ok().is_error());
    }
    CHECK(code_of(fixture.control.create_resource(20, Format::B8G8R8X8, 8, 8)) == ErrorCode::Full);
    /* Turning the scanout off names resource 0 and a zero rectangle. */
    REQUIRE_FALSE(fixture.control.set_scanout(0, 0, { 5, 5, 5, 5 }).is_error());
    auto seen = fixture.take();
    CHECK(word_at(seen.request.data(), 44) == 0);
    CHECK(word_at(seen.request.data(), 32) == 0);
}

TEST_CASE("pages become a scatter list with neighbours merged, bounded by its room")
{
    u64 const pages[] = { 0x1000, 0x2000, 0x3000, 0x8000, 0x9000, 0x5000 };
    MemoryEntry entries[4];
    auto count = scatter_list(pages, 4096, entries);
    REQUIRE_FALSE(count.is_error());
    REQUIRE(count.value() == 3);
    CHECK(entries[0].address == 0x1000);
    CHECK(entries[0].length == 3 * 4096);
    CHECK(entries[1].address == 0x8000);
    CHECK(entries[1].length == 2 * 4096);
    CHECK(entries[2].address == 0x5000);
    CHECK(entries[2].length == 4096);
    MemoryEntry two[2];
    CHECK(code_of(scatter_list(pages, 4096, two)) == ErrorCode::Full);
}

TEST_CASE("the configuration's scanout count is checked and events are cleared by writing them")
{
    u8 bytes[16] {};
    put_word(bytes, 0, event_display);
    put_word(bytes, 8, 1);
    auto configuration = Configuration::read(bytes, sizeof(bytes));
    REQUIRE_FALSE(configuration.is_error());
    CHECK(configuration.value().events_read == event_display);
    CHECK(configuration.value().scanouts == 1);
    Configuration::clear_events(bytes, event_display);
    CHECK(word_at(bytes, 4) == event_display);
    for (u32 scanouts : { 0u, 17u }) {
        put_word(bytes, 8, scanouts);
        CHECK(code_of(Configuration::read(bytes, sizeof(bytes))) == ErrorCode::MalformedMessage);
    }
    CHECK(code_of(Configuration::read(bytes, 12)) == ErrorCode::MalformedMessage);
}
