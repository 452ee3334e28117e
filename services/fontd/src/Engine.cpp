/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * FreeType on a Heap of fontd's own memory (Engine.h).
 */

#include <fontd/Engine.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_MODULE_H
#include FT_SYSTEM_H
#include <new>
#include <vectra/Try.h>

namespace vectra::fontd {

namespace {

static_assert(sizeof(FT_MemoryRec_) <= 32, "Engine::m_memory_record holds an FT_MemoryRec");

libc::Heap& heap_of(FT_Memory memory) { return *static_cast<libc::Heap*>(memory->user); }

void* allocate(FT_Memory memory, long size)
{
    if (size <= 0)
        return nullptr;
    return heap_of(memory).allocate(usize(size));
}

void release(FT_Memory memory, void* block)
{
    if (block)
        heap_of(memory).release(block);
}

void* reallocate(FT_Memory memory, long current_size, long new_size, void* block)
{
    if (new_size <= 0)
        return nullptr;
    void* moved = heap_of(memory).allocate(usize(new_size));
    if (!moved)
        return nullptr; /* FreeType keeps `block` and reports Out_Of_Memory */
    if (block) {
        usize keep = usize(current_size < new_size ? current_size : new_size);
        __builtin_memcpy(moved, block, keep);
        heap_of(memory).release(block);
    }
    return moved;
}

}

Engine::Engine(std::span<u8> memory)
    : m_heap(memory)
{
    auto* record = new (m_memory_record) FT_MemoryRec_;
    record->user = &m_heap;
    record->alloc = allocate;
    record->free = release;
    record->realloc = reallocate;
}

Engine::~Engine()
{
    for (usize index = 0; index < m_count; ++index) {
        if (m_entries[index].face)
            FT_Done_Face(m_entries[index].face);
    }
    if (m_library)
        FT_Done_Library(m_library);
}

ErrorOr<void> Engine::start()
{
    FT_Library library = nullptr;
    if (FT_New_Library(reinterpret_cast<FT_Memory>(m_memory_record), &library) != 0)
        return Error(ErrorCode::OutOfMemory, "FreeType's library does not fit fontd's font memory");
    m_library = library;
    FT_Add_Default_Modules(m_library);
    FT_Set_Default_Properties(m_library);
    return {};
}

ErrorOr<void> Engine::add(std::string_view name, std::span<u8 const> bytes)
{
    if (m_count == catalogue_capacity)
        return Error(ErrorCode::OutOfMemory, "the catalogue holds 4 faces");
    if (name.empty() || name.size() > font::maximum_name)
        return Error(ErrorCode::InvalidArgument, "a face's name has 1 to 32 bytes");
    auto as_bytes = std::span<u8 const>(reinterpret_cast<u8 const*>(name.data()), name.size());
    if (!find(as_bytes).is_error())
        return Error(ErrorCode::InvalidArgument, "two faces of the catalogue have the same name");
    auto& entry = m_entries[m_count++];
    entry = Entry();
    __builtin_memcpy(entry.name, name.data(), name.size());
    entry.name_length = name.size();
    entry.bytes = bytes;
    return {};
}

ErrorOr<usize> Engine::find(std::span<u8 const> name) const
{
    for (usize index = 0; index < m_count; ++index) {
        auto const& entry = m_entries[index];
        if (entry.name_length == name.size() && __builtin_memcmp(entry.name, name.data(), name.size()) == 0)
            return index;
    }
    return Error(font::FontError::UnknownFace, "no face of the catalogue has that name");
}

ErrorOr<FaceInformation> Engine::load(usize entry_index)
{
    VERIFY(entry_index < m_count && m_library);
    auto& entry = m_entries[entry_index];
    if (entry.unusable)
        return Error(font::FontError::FaceUnusable, "FreeType refused this face's bytes");
    if (!entry.face) {
        FT_Face face = nullptr;
        FT_Error error = FT_New_Memory_Face(m_library, entry.bytes.data(), FT_Long(entry.bytes.size()), 0, &face);
        if (error == FT_Err_Out_Of_Memory)
            return Error(ErrorCode::OutOfMemory, "the face does not fit fontd's font memory");
        if (error != 0 || !face || !FT_IS_SCALABLE(face) || face->units_per_EM == 0) {
            if (face)
                FT_Done_Face(face);
            entry.unusable = true;
            return Error(font::FontError::FaceUnusable, "FreeType refused this face's bytes");
        }
        entry.face = face;
        entry.pixel_size = 0;
    }
    return FaceInformation { entry.face->units_per_EM, u32(entry.face->num_glyphs) };
}

ErrorOr<FT_FaceRec_*> Engine::sized(usize entry_index, u32 pixel_size)
{
    TRY(load(entry_index));
    auto& entry = m_entries[entry_index];
    if (pixel_size == 0 || pixel_size > font::maximum_pixel_size)
        return Error(font::FontError::SizeOutOfBounds, "a pixel size is 1 to 256");
    if (entry.pixel_size != pixel_size) {
        entry.pixel_size = 0;
        if (FT_Set_Pixel_Sizes(entry.face, 0, pixel_size) != 0)
            return Error(font::FontError::SizeOutOfBounds, "the face cannot be set to that size");
        entry.pixel_size = pixel_size;
    }
    return entry.face;
}

ErrorOr<font::SizeSet> Engine::metrics(usize entry, u32 pixel_size)
{
    auto* face = TRY(sized(entry, pixel_size));
    auto const& size = face->size->metrics;
    return font::SizeSet { i32(size.ascender), i32(size.descender), i32(size.height) };
}

ErrorOr<RenderedGlyph> Engine::render(usize entry, u32 pixel_size, u32 code_point)
{
    auto* face = TRY(sized(entry, pixel_size));
    u32 glyph = FT_Get_Char_Index(face, code_point);
    FT_Error error = FT_Load_Glyph(face, glyph, FT_LOAD_RENDER | FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_NORMAL);
    if (error == FT_Err_Out_Of_Memory)
        return Error(ErrorCode::OutOfMemory, "rendering the glyph does not fit fontd's font memory");
    if (error != 0)
        return Error(font::FontError::FaceUnusable, "FreeType could not render this glyph of the face");
    auto const* slot = face->glyph;
    auto const& bitmap = slot->bitmap;
    if (bitmap.width > 0 && bitmap.rows > 0 && bitmap.pixel_mode != FT_PIXEL_MODE_GRAY)
        return Error(font::FontError::FaceUnusable, "the glyph did not render as 8-bit coverage");
    RenderedGlyph rendered;
    rendered.glyph = glyph;
    rendered.width = bitmap.width;
    rendered.height = bitmap.rows;
    rendered.pitch = bitmap.pitch;
    rendered.coverage = bitmap.buffer;
    rendered.left = slot->bitmap_left;
    rendered.top = slot->bitmap_top;
    rendered.advance = i32(slot->advance.x);
    if (rendered.width > 0 && rendered.height > 0 && (!rendered.coverage || rendered.pitch < i32(rendered.width)))
        return Error(font::FontError::FaceUnusable, "the glyph's bitmap is not laid out as rows");
    return rendered;
}

}
