/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fontd's sessions and service loop (Server.h).
 */

#include <fontd/Server.h>
#include <new>
#include <vectra/harfbuzz/Memory.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::fontd {

using font::FontError;

ErrorOr<OpenFace*> SessionState::face(u32 id)
{
    for (auto& open : m_faces) {
        if (open.used && open.id == id)
            return &open;
    }
    return Error(FontError::UnknownHandle, "no face of this session has that id");
}

ErrorOr<font::FaceOpened> SessionState::handle(font::OpenFace const& request)
{
    usize entry = TRY(m_engine.find(request.name.span()));
    OpenFace* free = nullptr;
    for (auto& open : m_faces) {
        if (!open.used) {
            free = &open;
            break;
        }
    }
    if (!free)
        return Error(FontError::TooManyFaces, "the session holds 4 faces open");
    auto information = TRY(m_engine.load(entry));
    *free = OpenFace { true, m_next_id++, entry, 0 };
    return font::FaceOpened { free->id, information.units_per_em, information.glyphs };
}

ErrorOr<font::SizeSet> SessionState::handle(font::SetSize const& request)
{
    auto* open = TRY(face(request.face));
    auto metrics = TRY(m_engine.metrics(open->entry, request.pixel_size));
    open->pixel_size = request.pixel_size;
    return metrics;
}

ErrorOr<OpenFace*> SessionState::sized_face(u32 id)
{
    auto* open = TRY(face(id));
    if (open->pixel_size == 0)
        return Error(FontError::NoSize, "set-size comes before rasterise and shape");
    return open;
}

CachedGlyph const* SessionState::lookup(usize entry, u32 pixel_size, GlyphKey key, u32 value) const
{
    /* The most telling field first: this scan runs for every glyph of every run. */
    if (key == GlyphKey::CodePoint) {
        for (usize index = 0; index < m_glyph_count; ++index) {
            auto const& cached = m_glyphs[index];
            if (cached.glyph.code_point == value && cached.key == GlyphKey::CodePoint && cached.entry == entry
                && cached.pixel_size == pixel_size)
                return &cached;
        }
        return nullptr;
    }
    /* A glyph asked for by index is the same bitmap whichever way it was placed. */
    for (usize index = 0; index < m_glyph_count; ++index) {
        auto const& cached = m_glyphs[index];
        if (cached.glyph.glyph == value && cached.entry == entry && cached.pixel_size == pixel_size)
            return &cached;
    }
    return nullptr;
}

ErrorOr<font::Glyph> SessionState::place(usize entry, u32 pixel_size, GlyphKey key, u32 value)
{
    if (m_glyph_count == glyphs_per_session)
        return Error(FontError::AtlasFull, "the session's glyph table is full");
    auto rendered = key == GlyphKey::Index ? TRY(m_engine.render_glyph(entry, pixel_size, value))
                                           : TRY(m_engine.render(entry, pixel_size, value));
    if (rendered.width > font::atlas_width || rendered.height > font::atlas_height)
        return Error(FontError::GlyphTooLarge, "the glyph is larger than the atlas");
    auto placement = m_packer.place(rendered.width, rendered.height);
    if (!placement)
        return Error(FontError::AtlasFull, "the session's atlas has no room for the glyph");
    for (u32 row = 0; row < rendered.height; ++row) {
        __builtin_memcpy(m_pixels.data() + usize(placement->y + row) * font::atlas_width + placement->x,
            rendered.coverage + i64(row) * rendered.pitch, rendered.width);
    }
    auto clamp16 = [](i32 value) { return i16(value < -32768 ? -32768 : value > 32767 ? 32767 : value); };
    u32 code_point = key == GlyphKey::CodePoint ? value : 0;
    font::Glyph glyph { code_point, rendered.glyph, u16(placement->x), u16(placement->y), u16(rendered.width),
        u16(rendered.height), clamp16(rendered.left), clamp16(rendered.top), rendered.advance };
    m_glyphs[m_glyph_count++] = CachedGlyph { entry, pixel_size, key, glyph };
    return glyph;
}

ErrorOr<font::Rasterised> SessionState::rasterise(OpenFace const& open, GlyphKey key, std::span<u32 const> values)
{
    /* All or nothing: what this run added is taken back if any glyph does not fit. */
    auto packer = m_packer;
    usize glyphs_before = m_glyph_count;
    font::Rasterised reply;
    for (u32 value : values) {
        if (auto const* cached = lookup(open.entry, open.pixel_size, key, value)) {
            auto glyph = cached->glyph;
            if (key == GlyphKey::Index)
                glyph.code_point = 0;
            MUST(reply.glyphs.try_append(glyph));
            ++reply.cached;
            continue;
        }
        auto placed = place(open.entry, open.pixel_size, key, value);
        if (placed.is_error()) {
            for (usize index = glyphs_before; index < m_glyph_count; ++index) {
                auto const& glyph = m_glyphs[index].glyph;
                for (u32 row = 0; row < glyph.height; ++row)
                    __builtin_memset(m_pixels.data() + usize(glyph.y + row) * font::atlas_width + glyph.x, 0, glyph.width);
            }
            m_glyph_count = glyphs_before;
            m_packer = packer;
            return placed.release_error();
        }
        MUST(reply.glyphs.try_append(placed.value()));
        ++reply.rasterised;
    }
    m_rasterised += reply.rasterised;
    m_cached += reply.cached;
    return reply;
}

ErrorOr<font::Rasterised> SessionState::handle(font::Rasterise const& request)
{
    auto* open = TRY(sized_face(request.face));
    for (u32 code_point : request.code_points) {
        if (!font::is_scalar_value(code_point))
            return Error(FontError::InvalidCodePoint, "a code point above U+10FFFF or a surrogate");
    }
    return rasterise(*open, GlyphKey::CodePoint, request.code_points.span());
}

ErrorOr<font::Rasterised> SessionState::handle(font::RasteriseGlyphs const& request)
{
    auto* open = TRY(sized_face(request.face));
    auto information = TRY(m_engine.load(open->entry));
    for (u32 glyph : request.glyphs) {
        if (glyph >= information.glyphs)
            return Error(FontError::InvalidGlyph, "the face has no glyph of that index");
    }
    return rasterise(*open, GlyphKey::Index, request.glyphs.span());
}

ErrorOr<font::Shaped> SessionState::handle(font::Shape const& request)
{
    auto* open = TRY(sized_face(request.face));
    ShapedGlyph glyphs[font::maximum_shaped];
    ShapeText text { request.text.span(), request.script.span(), font::Direction(request.direction), request.language.span() };
    usize count = TRY(m_engine.shape(open->entry, open->pixel_size, text, glyphs));
    font::Shaped reply;
    for (usize index = 0; index < count; ++index)
        MUST(reply.glyphs.try_append(glyphs[index]));
    return reply;
}

ErrorOr<font::AtlasShared> SessionState::handle(font::ShareAtlas const&, protocol::MessageCapabilities& capabilities)
{
    /* The loop sends a copy of the atlas keeping RightRead only (Server::take_request). */
    capabilities.reply = protocol::MessageCapabilities::Outgoing {
        ReceivedCapability { CapabilityClass::Memory, { m_atlas.space(), m_atlas.slot(), m_atlas.generation() } },
        protocol::MessageCapabilities::Transfer::Copy, RightRead };
    return font::AtlasShared { font::atlas_width, font::atlas_height, font::atlas_width };
}

ErrorOr<protocol::Done> SessionState::handle(font::CloseFace const& request)
{
    auto* open = TRY(face(request.face));
    *open = OpenFace();
    return protocol::Done {};
}

ErrorOr<font::State> SessionState::handle(font::ReadState const&)
{
    u32 faces = 0;
    for (auto const& open : m_faces)
        faces += open.used ? 1 : 0;
    return font::State { faces, u32(m_glyph_count), m_packer.rows_used(), m_rasterised, m_cached };
}

void SessionState::reset()
{
    for (auto& open : m_faces)
        open = OpenFace();
    m_next_id = 1;
    m_glyph_count = 0;
    m_rasterised = 0;
    m_cached = 0;
    m_packer.clear();
    __builtin_memset(m_pixels.data(), 0, m_pixels.size());
}

Server::Server(Engine& engine, MemCap* atlases, std::span<u8>* pixels)
    : m_atlases(atlases)
{
    for (usize index = 0; index < maximum_sessions; ++index)
        new (m_sessions[index]) SessionState(engine, atlases[index], pixels[index]);
}

void Server::closed(usize index)
{
    /* The ended session's client loses its view of the atlas before the next session gets it. */
    (void)system::revoke(m_atlases[index]);
    session(index).reset();
}

bool Server::take_request(usize index)
{
    /* No vectra.font request carries a capability: one sent along is discarded after the dispatch. */
    return m_table.take_request_handled(index, m_request, 0, [&](std::span<u8 const> request, protocol::MessageCapabilities& capabilities) {
        usize length = protocol::dispatch<font::Protocol>(session(index), request, m_reply, capabilities);
        auto reply = std::span<u8 const>(m_reply, length);
        if (capabilities.reply)
            m_table.send_reply(index, reply, m_atlases[index], capabilities.reply->keep);
        else
            m_table.send_reply(index, reply);
    });
}

ErrorOr<void> Server::serve(RingCap listen_requests, RingCap listen_replies)
{
    auto* table = TRY(session::Table::listen(m_table, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<font::Protocol>(), session::Limits { maximum_sessions, 1 }));
    table->on_change(
        this, [](void*, usize) {}, [](void* server, usize index) { static_cast<Server*>(server)->closed(index); });
    for (;;) {
        TRY(table->serve_listener());
        table->retry_reclaims();
        bool served = false;
        for (usize index = 0; index < table->capacity(); ++index)
            served |= take_request(index);
        if (!served)
            (void)endpoint::wait(table->wait_mask());
    }
}

ErrorOr<void> run(ReticleCap const& memory, usize font_memory_bytes, std::span<CatalogueFace const> catalogue,
    RingCap requests, RingCap replies, SignalCap const* ready)
{
    static_assert(protocol::check<font::Protocol>());
    if (!harfbuzz::initialised())
        TRY(harfbuzz::initialise(TRY(endpoint::memory(memory, harfbuzz_lifetime_bytes))));
    auto heap = TRY(endpoint::memory(memory, font_memory_bytes));
    auto engine_place = TRY(endpoint::memory(memory, sizeof(Engine)));
    auto* engine = new (engine_place.data()) Engine(heap);
    TRY(engine->start());
    for (auto const& face : catalogue)
        TRY(engine->add(face.name, face.bytes));
    auto atlases_place = TRY(endpoint::memory(memory, sizeof(MemCap) * maximum_sessions));
    auto pixels_place = TRY(endpoint::memory(memory, sizeof(std::span<u8>) * maximum_sessions));
    auto* atlases = new (atlases_place.data()) MemCap[maximum_sessions];
    auto* pixels = new (pixels_place.data()) std::span<u8>[maximum_sessions];
    for (usize index = 0; index < maximum_sessions; ++index) {
        atlases[index] = TRY(system::create_memory(memory, atlas_bytes));
        pixels[index] = TRY(system::map_memory(atlases[index]));
    }
    auto server_place = TRY(endpoint::memory(memory, sizeof(Server)));
    auto* server = new (server_place.data()) Server(*engine, atlases, pixels);
    if (ready)
        TRY(endpoint::raise(*ready));
    auto served = server->serve(std::move(requests), std::move(replies));
    server->~Server();
    return served;
}

}
