/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * HarfBuzz's allocation hooks (vectra_hb_config.h names them) over the installed Heap, and the
 * lifetime memory its program-long objects live in (Memory.h).
 */

#include <hb.h>
#include <new>
#include <vectra/harfbuzz/Memory.h>

namespace vectra::harfbuzz {

namespace {

libc::Heap* s_heap = nullptr;
/* The lifetime Heap's object itself (its memory is the Task's): no constructor runs before main. */
alignas(libc::Heap) u8 s_lifetime_place[sizeof(libc::Heap)];
libc::Heap* s_lifetime = nullptr;

struct InternedLanguage {
    u8 tag[maximum_language_bytes];
    usize length;
    hb_language_t language;
};
InternedLanguage s_languages[maximum_languages];
usize s_language_count = 0;

u8 lower(u8 byte) { return byte >= 'A' && byte <= 'Z' ? u8(byte - 'A' + 'a') : byte; }

/* Runs `make` with HarfBuzz allocating from the lifetime Heap. */
template<typename Make>
auto in_lifetime_memory(Make make)
{
    auto* kept = s_heap;
    s_heap = s_lifetime;
    auto made = make();
    s_heap = kept;
    return made;
}

}

ErrorOr<void> initialise(std::span<u8> lifetime_memory)
{
    if (s_lifetime)
        return {};
    auto* lifetime = new (s_lifetime_place) libc::Heap(lifetime_memory);
    auto* kept = s_heap;
    s_heap = lifetime;
    /* HarfBuzz makes these on first use and keeps them: the Unicode functions (every buffer's), the
     * OpenType font functions (every font's), and the default language (none: no locale). */
    bool made = hb_unicode_funcs_get_default() != hb_unicode_funcs_get_empty();
    hb_font_t* font = hb_font_create(hb_face_get_empty());
    made = made && font != hb_font_get_empty();
    hb_font_destroy(font);
    (void)hb_language_get_default();
    s_heap = kept;
    if (!made)
        return Error(ErrorCode::OutOfMemory, "HarfBuzz's program-long objects do not fit its lifetime memory");
    s_lifetime = lifetime;
    return {};
}

bool initialised() { return s_lifetime != nullptr; }
usize lifetime_in_use() { return s_lifetime ? s_lifetime->in_use() : 0; }

void use_heap(libc::Heap* heap) { s_heap = heap; }
libc::Heap* heap() { return s_heap; }

ErrorOr<hb_language_impl_t const*> language(std::span<u8 const> tag)
{
    if (!s_lifetime)
        return Error(ErrorCode::InvalidArgument, "HarfBuzz is not initialised");
    if (tag.empty() || tag.size() > maximum_language_bytes)
        return Error(ErrorCode::InvalidArgument, "a language tag has 1 to 16 bytes");
    u8 folded[maximum_language_bytes];
    for (usize index = 0; index < tag.size(); ++index)
        folded[index] = lower(tag[index]);
    for (usize index = 0; index < s_language_count; ++index) {
        auto const& interned = s_languages[index];
        if (interned.length == tag.size() && __builtin_memcmp(interned.tag, folded, tag.size()) == 0)
            return interned.language;
    }
    if (s_language_count == maximum_languages)
        return Error(ErrorCode::InvalidArgument, "HarfBuzz has interned 32 languages, the most it keeps");
    hb_language_t language = in_lifetime_memory(
        [&] { return hb_language_from_string(reinterpret_cast<char const*>(folded), int(tag.size())); });
    if (language == HB_LANGUAGE_INVALID)
        return Error(ErrorCode::OutOfMemory, "the language does not fit HarfBuzz's lifetime memory");
    auto& interned = s_languages[s_language_count++];
    __builtin_memcpy(interned.tag, folded, tag.size());
    interned.length = tag.size();
    interned.language = language;
    return language;
}

}

using vectra::usize;
using vectra::harfbuzz::heap;

extern "C" {

void* hb_malloc_impl(usize size)
{
    auto* current = heap();
    return current ? current->allocate(size) : nullptr;
}

void* hb_calloc_impl(usize count, usize size)
{
    usize total = 0;
    auto* current = heap();
    if (!current || __builtin_mul_overflow(count, size, &total))
        return nullptr;
    void* block = current->allocate(total);
    if (block)
        __builtin_memset(block, 0, total);
    return block;
}

/* A block goes back to the Heap that owns it (a lifetime object's to the lifetime Heap). */
void hb_free_impl(void* block)
{
    if (!block)
        return;
    auto* current = heap();
    if (current && current->owns(block))
        current->release(block);
    else if (vectra::harfbuzz::s_lifetime && vectra::harfbuzz::s_lifetime->owns(block))
        vectra::harfbuzz::s_lifetime->release(block);
    else if (current)
        current->release(block); /* neither Heap's: the Heap panics, as for any stray release */
}

void* hb_realloc_impl(void* block, usize size)
{
    auto* current = heap();
    if (!block)
        return current ? current->allocate(size) : nullptr;
    auto* owner = current && current->owns(block) ? current : vectra::harfbuzz::s_lifetime;
    if (!owner || !owner->owns(block))
        return nullptr;
    usize kept = owner->usable_size(block);
    if (size <= kept)
        return block;
    void* moved = owner->allocate(size);
    if (!moved)
        return nullptr; /* HarfBuzz keeps `block` and marks its object failed */
    __builtin_memcpy(moved, block, kept);
    owner->release(block);
    return moved;
}

}
