/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * HarfBuzz's memory (hb_malloc_impl, hb_calloc_impl, hb_realloc_impl, hb_free_impl: src/Memory.cpp),
 * never a global heap:
 *
 *   - Its objects (faces, fonts, buffers, shape plans) come from the Heap the shaping Task installs
 *     (use_heap) and go back to it.
 *   - What HarfBuzz keeps for the whole program (the Unicode and OpenType font functions, made on
 *     first use, and every language tag it has seen: none is ever freed without atexit) lives in
 *     the lifetime memory the Task hands initialise() once, before any HarfBuzz object; the Task
 *     keeps that memory for as long as the image runs. Languages are interned there through
 *     language() only, at most `maximum_languages` different ones, so no client can grow it.
 *
 * One shaping Task per image (fontd); HarfBuzz is built without threads.
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/libc/Heap.h>

struct hb_language_impl_t;

namespace vectra::harfbuzz {

inline constexpr usize maximum_languages = 32;
inline constexpr usize maximum_language_bytes = 16;

/*
 * Makes HarfBuzz's program-long objects in `lifetime_memory` (at least 8 KiB). Called again, it
 * does nothing (the first memory stays). OutOfMemory when the objects do not fit.
 */
[[nodiscard]] ErrorOr<void> initialise(std::span<u8> lifetime_memory);
[[nodiscard]] bool initialised();
/* How much of the lifetime memory is in use (the program-long objects and interned languages). */
[[nodiscard]] usize lifetime_in_use();

/* The Heap HarfBuzz's objects come from from now on; null: every allocation fails. */
void use_heap(libc::Heap* heap);
[[nodiscard]] libc::Heap* heap();

/*
 * HarfBuzz's language for a BCP 47 tag of 1…16 bytes (compared without case), interned in the
 * lifetime memory. A 33rd different tag is refused (InvalidArgument), as is one before initialise().
 */
[[nodiscard]] ErrorOr<hb_language_impl_t const*> language(std::span<u8 const> tag);

}
