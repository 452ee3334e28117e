/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What HarfBuzz is configured to be inside Vectra (HB_CONFIG_OVERRIDE_H, read by hb-config.hh):
 * the OpenType shaper with every script shaper, GSUB/GPOS and the legacy kern table, and the
 * built-in Unicode data; no threads, atexit, environment, locale, files, errno, colour, bitmap,
 * CFF outlines, drawing, AAT, MATH, meta, name or style tables, font variations, and no
 * buffer serialisation, verification or messages. Memory comes from hb_*_impl (src/memory.cpp):
 * the Heap its user installs, never a global heap.
 */

#pragma once

#define HB_NO_MT
#define HB_NO_ATEXIT
#define HB_NO_GETENV
#define HB_NO_SETLOCALE
#define HB_NO_MMAP
#define HB_NO_OPEN
#define HB_NO_ERRNO
#define HB_NO_BUFFER_SERIALIZE
#define HB_NO_BUFFER_VERIFY
#define HB_NO_BUFFER_MESSAGE
#define HB_NO_DRAW
#define HB_NO_COLOR
#define HB_NO_BITMAP
#define HB_NO_CFF
#define HB_NO_AAT
#define HB_NO_MATH
#define HB_NO_META
#define HB_NO_NAME
#define HB_NO_STYLE
#define HB_NO_VAR
#define HB_NO_FACE_COLLECT_UNICODES

#define hb_malloc_impl hb_malloc_impl
#define hb_calloc_impl hb_calloc_impl
#define hb_realloc_impl hb_realloc_impl
#define hb_free_impl hb_free_impl
