/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Glyphs per second through fontd against FreeType called directly (ADR 0043 §7). Each iteration
 * renders one run of 32 glyphs that are not in any cache yet — 'A'–'Z' and 'a'–'f' at a pixel
 * size that changes every iteration (10–17 px, so a size is set every time) — and puts their
 * coverage in a 512 × 512 atlas with the same shelf packer:
 *
 *   BM_font_rasterise/ours                a client Task's `set-size` and `rasterise` on a session
 *                                         of vectra.font to fontd's real loop (a service Task):
 *                                         FreeType on fontd's Heap, glyphs copied into the
 *                                         session's atlas, metrics encoded, the reply decoded
 *   BM_font_rasterise/baseline_freetype   the same FreeType build called in the benchmark's own
 *                                         thread (FT_Set_Pixel_Sizes, FT_Load_Char with
 *                                         FT_LOAD_RENDER, the system allocator), each bitmap
 *                                         copied into an atlas of its own
 *
 * Every 8 iterations both start over with an empty atlas (ours: the session is closed and opened
 * again, the face opened again) with the timer paused. Items are glyphs.
 */

#include "SessionPair.h"
#include "../services/FontFiles.h"
#include <benchmark/benchmark.h>
#include <fontd/Server.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_MODULE_H
#include <vector>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

using namespace vectra;

namespace {

constexpr u32 run_length = 32;
constexpr u32 sizes = 8;
constexpr u32 first_size = 10;
constexpr usize task_stack = 256 * KiB;

benchmark::State* s_state { nullptr };

font::Rasterise run_for(u32 face)
{
    font::Rasterise run;
    run.face = face;
    for (u32 index = 0; index < run_length; ++index)
        (void)run.code_points.try_append(index < 26 ? u32('A' + index) : u32('a' + index - 26));
    return run;
}

ErrorOr<i32> fontd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    fontd::CatalogueFace catalogue[] = { { "DejaVu Sans", test::dejavu_sans() } };
    TRY(fontd::run(memory, 512 * KiB, catalogue, std::move(requests), std::move(replies), nullptr));
    return 0;
}

ErrorOr<u32> open_face(session::SessionClient<font::Protocol>& client)
{
    font::OpenFace request;
    for (char character : std::string_view("DejaVu Sans"))
        TRY(request.name.try_append(u8(character)));
    return TRY(client.call(request)).face;
}

ErrorOr<void> drive(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<font::Protocol>()));
    auto client = TRY(session::SessionClient<font::Protocol>::open(std::move(requests), std::move(replies), std::move(pool)));
    u32 face = TRY(open_face(client));
    u32 iteration = 0;
    for (auto _ : *s_state) {
        u32 size = first_size + iteration % sizes;
        TRY(client.call(font::SetSize { face, size }));
        auto placed = TRY(client.call(run_for(face)));
        if (placed.rasterised != run_length)
            return Error(ErrorCode::InvalidArgument, "a glyph came from the atlas: the run was not new");
        benchmark::DoNotOptimize(placed.glyphs[run_length - 1].advance);
        if (++iteration % sizes == 0) {
            s_state->PauseTiming();
            client.close();
            face = TRY(open_face(client));
            s_state->ResumeTiming();
        }
    }
    client.close();
    return {};
}

ErrorOr<i32> client_task(Bundle& bundle)
{
    auto driven = drive(bundle);
    if (driven.is_error() && !s_state->error_occurred())
        s_state->SkipWithError(driven.error().message());
    return 0;
}

void rasterise_ours(benchmark::State& state)
{
    s_state = &state;
    bench::run_session_pair(fontd_task, client_task, { 4 * MiB, 1 * MiB, task_stack });
    state.SetItemsProcessed(i64(state.iterations()) * run_length);
}

void rasterise_baseline(benchmark::State& state)
{
    auto const& sans = test::dejavu_sans();
    FT_MemoryRec_ memory {};
    memory.alloc = [](FT_Memory, long size) -> void* { return malloc(usize(size)); };
    memory.free = [](FT_Memory, void* block) { free(block); };
    memory.realloc = [](FT_Memory, long, long size, void* block) -> void* { return realloc(block, usize(size)); };
    FT_Library library = nullptr;
    FT_Face face = nullptr;
    if (FT_New_Library(&memory, &library) != 0) {
        state.SkipWithError("FT_New_Library failed");
        return;
    }
    FT_Add_Default_Modules(library);
    if (FT_New_Memory_Face(library, sans.data(), FT_Long(sans.size()), 0, &face) != 0) {
        state.SkipWithError("FT_New_Memory_Face failed");
        FT_Done_Library(library);
        return;
    }
    std::vector<u8> atlas(fontd::atlas_bytes);
    font::ShelfPacker packer(font::atlas_width, font::atlas_height);
    auto run = run_for(0);
    u32 iteration = 0;
    for (auto _ : state) {
        u32 size = first_size + iteration % sizes;
        if (FT_Set_Pixel_Sizes(face, 0, size) != 0) {
            state.SkipWithError("FT_Set_Pixel_Sizes failed");
            break;
        }
        for (u32 code_point : run.code_points) {
            if (FT_Load_Char(face, code_point, FT_LOAD_RENDER | FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_NORMAL) != 0) {
                state.SkipWithError("FT_Load_Char failed");
                break;
            }
            auto const& bitmap = face->glyph->bitmap;
            auto placement = packer.place(bitmap.width, bitmap.rows);
            if (!placement) {
                state.SkipWithError("the atlas is full");
                break;
            }
            for (u32 row = 0; row < bitmap.rows; ++row)
                memcpy(atlas.data() + usize(placement->y + row) * font::atlas_width + placement->x,
                    bitmap.buffer + i64(row) * bitmap.pitch, bitmap.width);
            benchmark::DoNotOptimize(face->glyph->advance.x);
        }
        if (++iteration % sizes == 0) {
            state.PauseTiming();
            packer.clear();
            memset(atlas.data(), 0, atlas.size());
            state.ResumeTiming();
        }
    }
    FT_Done_Face(face);
    FT_Done_Library(library);
    state.SetItemsProcessed(i64(state.iterations()) * run_length);
}

}

BENCHMARK(rasterise_ours)->Name("BM_font_rasterise/ours");
BENCHMARK(rasterise_baseline)->Name("BM_font_rasterise/baseline_freetype");
