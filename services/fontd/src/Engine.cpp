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
#include <hb.h>
#include <new>
#include <vectra/Try.h>
#include <vectra/Utf8View.h>
#include <vectra/harfbuzz/Memory.h>

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
    harfbuzz::use_heap(&m_heap); /* HarfBuzz's objects go back to the Heap they came from */
    for (usize index = 0; index < m_count; ++index) {
        auto& entry = m_entries[index];
        if (entry.face)
            FT_Done_Face(entry.face);
        hb_font_destroy(entry.shaping_font);
        hb_face_destroy(entry.shaping_face);
    }
    hb_buffer_destroy(m_buffer);
    if (m_library)
        FT_Done_Library(m_library);
    if (harfbuzz::heap() == &m_heap)
        harfbuzz::use_heap(nullptr);
}

ErrorOr<void> Engine::start()
{
    FT_Library library = nullptr;
    if (FT_New_Library(reinterpret_cast<FT_Memory>(m_memory_record), &library) != 0)
        return Error(ErrorCode::OutOfMemory, "FreeType's library does not fit fontd's font memory");
    m_library = library;
    FT_Add_Default_Modules(m_library);
    FT_Set_Default_Properties(m_library);
    /* HarfBuzz allocates from the same Heap (one shaping Engine per image); what it keeps for the
     * whole program is in the lifetime memory its Task set up first. */
    if (!harfbuzz::initialised())
        return Error(ErrorCode::InvalidArgument, "HarfBuzz's lifetime memory is not set up (harfbuzz::initialise)");
    harfbuzz::use_heap(&m_heap);
    m_buffer = hb_buffer_create();
    if (!hb_buffer_allocation_successful(m_buffer))
        return Error(ErrorCode::OutOfMemory, "HarfBuzz's buffer does not fit fontd's font memory");
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
    return rendered(face, FT_Get_Char_Index(face, code_point));
}

ErrorOr<RenderedGlyph> Engine::render_glyph(usize entry, u32 pixel_size, u32 glyph)
{
    auto* face = TRY(sized(entry, pixel_size));
    if (glyph >= u32(face->num_glyphs))
        return Error(font::FontError::InvalidGlyph, "the face has no glyph of that index");
    return rendered(face, glyph);
}

ErrorOr<RenderedGlyph> Engine::rendered(FT_FaceRec_* face, u32 glyph)
{
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

namespace {

bool is_letter(u8 byte) { return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z'); }

/* An ISO 15924 tag: four letters (HarfBuzz adjusts their case). */
bool is_script_tag(std::span<u8 const> script)
{
    if (script.size() != font::maximum_script)
        return false;
    for (u8 byte : script) {
        if (!is_letter(byte))
            return false;
    }
    return true;
}

/* A BCP 47 tag's characters: subtags of letters and digits joined by hyphens, starting with a letter. */
bool is_language_tag(std::span<u8 const> language)
{
    if (language.empty() || language.size() > font::maximum_language || !is_letter(language[0]))
        return false;
    u8 previous = 0;
    for (u8 byte : language) {
        bool digit = byte >= '0' && byte <= '9';
        if (!is_letter(byte) && !digit && byte != '-')
            return false;
        if (byte == '-' && previous == '-')
            return false;
        previous = byte;
    }
    return previous != '-';
}

}

ErrorOr<hb_font_t*> Engine::shaping_font(usize entry_index, u32 pixel_size)
{
    TRY(sized(entry_index, pixel_size)); /* FreeType accepted the bytes and the size */
    auto& entry = m_entries[entry_index];
    if (!entry.shaping_font) {
        /* The mapped font bytes, read in place: HarfBuzz neither copies nor frees them. */
        hb_blob_t* blob = hb_blob_create(reinterpret_cast<char const*>(entry.bytes.data()), unsigned(entry.bytes.size()),
            HB_MEMORY_MODE_READONLY, nullptr, nullptr);
        hb_face_t* face = hb_face_create(blob, 0);
        hb_blob_destroy(blob);
        if (face == hb_face_get_empty())
            return Error(ErrorCode::OutOfMemory, "HarfBuzz's face does not fit fontd's font memory");
        hb_font_t* font = hb_font_create(face);
        if (font == hb_font_get_empty()) {
            hb_face_destroy(face);
            return Error(ErrorCode::OutOfMemory, "HarfBuzz's font does not fit fontd's font memory");
        }
        entry.shaping_face = face;
        entry.shaping_font = font;
        entry.shaping_size = 0;
    }
    if (entry.shaping_size != pixel_size) {
        /* Positions in 1/64 pixels; the pixel size is the ppem that device tables are chosen by. */
        int scale = int(pixel_size * 64);
        hb_font_set_scale(entry.shaping_font, scale, scale);
        hb_font_set_ppem(entry.shaping_font, pixel_size, pixel_size);
        entry.shaping_size = pixel_size;
    }
    return entry.shaping_font;
}

ErrorOr<usize> Engine::shape(usize entry, u32 pixel_size, ShapeText const& request, std::span<ShapedGlyph> glyphs)
{
    /* Decode and validate everything before HarfBuzz sees any of it. */
    auto text = std::string_view(reinterpret_cast<char const*>(request.text.data()), request.text.size());
    if (text.empty() || text.size() > font::maximum_text || Utf8View::try_from(text).is_error())
        return Error(font::FontError::InvalidText, "the text is empty, longer than 128 bytes or not UTF-8");
    if (!request.script.empty() && !is_script_tag(request.script))
        return Error(font::FontError::InvalidScript, "a script is an ISO 15924 tag of four letters");
    if (!request.language.empty() && !is_language_tag(request.language))
        return Error(font::FontError::InvalidLanguage, "a language is a BCP 47 tag of letters, digits and hyphens");
    if (request.direction != Direction::Guess && request.direction != Direction::LeftToRight
        && request.direction != Direction::RightToLeft)
        return Error(font::FontError::InvalidDirection, "a direction is guess, left-to-right or right-to-left");
    hb_language_t language = HB_LANGUAGE_INVALID;
    if (!request.language.empty()) {
        auto interned = harfbuzz::language(request.language);
        if (interned.is_error())
            return Error(font::FontError::TooManyLanguages, "fontd has shaped with 32 different languages, the most it keeps");
        language = interned.value();
    }
    /* This Engine's Heap for whatever HarfBuzz allocates now (another Engine may have shaped last). */
    harfbuzz::use_heap(&m_heap);
    auto* font = TRY(shaping_font(entry, pixel_size));

    hb_buffer_clear_contents(m_buffer);
    hb_buffer_add_utf8(m_buffer, text.data(), int(text.size()), 0, int(text.size()));
    if (!request.script.empty()) {
        auto const* tag = request.script.data();
        hb_buffer_set_script(m_buffer, hb_script_from_iso15924_tag(HB_TAG(tag[0], tag[1], tag[2], tag[3])));
    }
    if (request.direction == Direction::LeftToRight)
        hb_buffer_set_direction(m_buffer, HB_DIRECTION_LTR);
    else if (request.direction == Direction::RightToLeft)
        hb_buffer_set_direction(m_buffer, HB_DIRECTION_RTL);
    if (language != HB_LANGUAGE_INVALID)
        hb_buffer_set_language(m_buffer, language);
    /* What was not given is guessed: the script from the text's letters, the direction from the script. */
    hb_buffer_guess_segment_properties(m_buffer);
    /* A plan for this run alone: HarfBuzz's per-face plan cache would keep one for every script,
     * direction and language a client ever asked for. */
    hb_segment_properties_t properties;
    hb_buffer_get_segment_properties(m_buffer, &properties);
    hb_shape_plan_t* plan = hb_shape_plan_create(hb_font_get_face(font), &properties, nullptr, 0, nullptr);
    bool shaped = plan != hb_shape_plan_get_empty() && hb_shape_plan_execute(plan, font, m_buffer, nullptr, 0);
    hb_shape_plan_destroy(plan);
    if (!shaped || !hb_buffer_allocation_successful(m_buffer))
        return Error(ErrorCode::OutOfMemory, "shaping does not fit fontd's font memory");

    unsigned count = 0;
    auto const* information = hb_buffer_get_glyph_infos(m_buffer, &count);
    auto const* positions = hb_buffer_get_glyph_positions(m_buffer, nullptr);
    if (count > glyphs.size())
        return Error(font::FontError::TooManyGlyphs, "the text shapes to more glyphs than a reply carries");
    for (unsigned index = 0; index < count; ++index) {
        glyphs[index] = ShapedGlyph { information[index].codepoint, information[index].cluster, positions[index].x_advance,
            positions[index].y_advance, positions[index].x_offset, positions[index].y_offset };
    }
    return usize(count);
}

}
