/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/font's AtlasClient against a fontd that lies, as Tasks over a real vectra.font session: its
 * atlas a MemCap of 64 × 64 bytes. Claiming a 512 × 512 atlas is refused atlas-too-small at open
 * (no byte read past the 4 KiB mapping), a reply without the MemCap no-atlas; a glyph placed past
 * the atlas's edge glyph-outside-atlas, a reply of other code points wrong-code-point, one of fewer
 * glyphs wrong-glyph-count — each refused whole, nothing of it kept. Told the truth, the client
 * reads the coverage fontd wrote and asks for a glyph once.
 */

#include "FsTestTasks.h"
#include <atomic>
#include <catch2/catch.hpp>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/font/AtlasClient.h>

using namespace vectra;
using namespace vectra::test;
using font::ClientError;

namespace {

enum class Lie : u8 {
    None,
    LargerAtlas,
    NoCapability,
    GlyphOutside,
    OtherCodePoint,
    FewerGlyphs,
};

std::atomic<Lie> s_lie { Lie::None };
constexpr u32 side = 64;

/* A glyph of 4 × 4 at the atlas's top left, or (GlyphOutside) with its last row past the bottom. */
font::Glyph glyph_for(u32 code_point)
{
    font::Glyph glyph { code_point, 1, 0, 0, 4, 4, 0, 4, 5 * 64 };
    if (s_lie == Lie::GlyphOutside)
        glyph.y = u16(side - 3);
    if (s_lie == Lie::OtherCodePoint)
        glyph.code_point = code_point + 1;
    return glyph;
}

struct LyingSession {
    MemCap const& atlas;

    ErrorOr<font::FaceOpened> handle(font::OpenFace const&) { return font::FaceOpened { 1, 2048, 100 }; }
    ErrorOr<font::SizeSet> handle(font::SetSize const&) { return font::SizeSet { 13 * 64, -3 * 64, 17 * 64 }; }
    ErrorOr<font::Rasterised> handle(font::Rasterise const& request)
    {
        font::Rasterised reply;
        for (u32 code_point : request.code_points)
            MUST(reply.glyphs.try_append(glyph_for(code_point)));
        if (s_lie == Lie::FewerGlyphs)
            reply.glyphs.clear();
        reply.rasterised = u32(reply.glyphs.size());
        return reply;
    }
    ErrorOr<font::Rasterised> handle(font::RasteriseGlyphs const&) { return Error(font::FontError::InvalidGlyph, "not here"); }
    ErrorOr<font::Shaped> handle(font::Shape const&) { return Error(font::FontError::InvalidText, "not here"); }
    ErrorOr<font::AtlasShared> handle(font::ShareAtlas const&, protocol::MessageCapabilities& capabilities)
    {
        if (s_lie != Lie::NoCapability) {
            capabilities.reply = protocol::MessageCapabilities::Outgoing {
                ReceivedCapability { CapabilityClass::Memory, { atlas.space(), atlas.slot(), atlas.generation() } },
                protocol::MessageCapabilities::Transfer::Copy, RightRead };
        }
        u32 claimed = s_lie == Lie::LargerAtlas ? 512 : side;
        return font::AtlasShared { claimed, claimed, claimed };
    }
    ErrorOr<protocol::Done> handle(font::CloseFace const&) { return protocol::Done {}; }
    ErrorOr<font::State> handle(font::ReadState const&) { return font::State {}; }
};

ErrorOr<i32> lying_fontd(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto atlas = TRY(system::create_memory(memory, side * side));
    auto pixels = TRY(system::map_memory(atlas));
    for (usize index = 0; index < pixels.size(); ++index)
        pixels[index] = u8(index * 7 + 1);
    static session::Table storage;
    auto* table = TRY(session::Table::listen(storage, std::move(requests), std::move(replies),
        session::geometry_of<font::Protocol>(), session::Limits { 1, 1 }));
    LyingSession liar { atlas };
    u8 request[protocol::payload_capacity<font::Protocol>];
    u8 reply[protocol::payload_capacity<font::Protocol>];
    for (;;) {
        TRY(table->serve_listener());
        table->retry_reclaims();
        bool taken = table->take_request_handled(0, request, 0, [&](std::span<u8 const> bytes, protocol::MessageCapabilities& capabilities) {
            usize length = protocol::dispatch<font::Protocol>(liar, bytes, reply, capabilities);
            if (capabilities.reply)
                table->send_reply(0, std::span<u8 const>(reply, length), atlas, capabilities.reply->keep);
            else
                table->send_reply(0, std::span<u8 const>(reply, length));
        });
        if (!taken)
            (void)endpoint::wait(table->wait_mask());
    }
}

template<typename T>
bool refused(ErrorOr<T> const& result, ClientError code)
{
    return result.is_error() && result.error().is(code);
}

ErrorOr<i32> client(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto session = TRY(open_session_client<font::Protocol>(memory, TRY(bundle.take<RingCap>("requests")),
        TRY(bundle.take<RingCap>("replies"))));

    s_lie = Lie::LargerAtlas;
    font::AtlasClient larger;
    EXPECT_IN_TASK(refused(font::AtlasClient::open(larger, session, "Face", 14), ClientError::AtlasTooSmall));
    s_lie = Lie::NoCapability;
    font::AtlasClient without;
    EXPECT_IN_TASK(refused(font::AtlasClient::open(without, session, "Face", 14), ClientError::NoAtlas));

    s_lie = Lie::None;
    font::AtlasClient glyphs;
    TRY(font::AtlasClient::open(glyphs, session, "Face", 14));
    EXPECT_IN_TASK(glyphs.metrics().ascender == 13 * 64 && glyphs.metrics().line_height == 17 * 64);

    s_lie = Lie::GlyphOutside;
    EXPECT_IN_TASK(refused(glyphs.glyph('a'), ClientError::GlyphOutsideAtlas));
    s_lie = Lie::OtherCodePoint;
    EXPECT_IN_TASK(refused(glyphs.glyph('a'), ClientError::WrongCodePoint));
    s_lie = Lie::FewerGlyphs;
    EXPECT_IN_TASK(refused(glyphs.prefetch("ab"), ClientError::WrongGlyphCount));
    EXPECT_IN_TASK(glyphs.cached() == 0 && glyphs.requests() == 3);

    /* Told the truth: fontd's coverage, read from the mapping; asked for once. */
    s_lie = Lie::None;
    auto told = TRY(glyphs.glyph('a'));
    EXPECT_IN_TASK(told.width == 4 && told.height == 4 && told.pitch == side && told.advance == 5 * 64);
    for (u32 row = 0; row < 4; ++row)
        for (u32 column = 0; column < 4; ++column)
            EXPECT_IN_TASK(told.coverage[row * side + column] == u8((row * side + column) * 7 + 1));
    (void)TRY(glyphs.glyph('a'));
    EXPECT_IN_TASK(glyphs.requests() == 4 && glyphs.cached() == 1);
    return 0;
}

}

TEST_CASE("the atlas client refuses a fontd that lies about its atlas or its glyphs, and reads what a truthful one wrote", "[font][attack]")
{
    auto error = run_server_and_client(lying_fontd, client, { 16 * MiB, 1 * MiB, 1 * MiB, 128 * KiB, 128 * KiB });
    REQUIRE(error.is(ErrorCode::PeerRestarted));
}
