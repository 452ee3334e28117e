/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * FreeType's build options for Vectra (FT_CONFIG_OPTIONS_H, read in place of
 * <freetype/config/ftoption.h>). Each option is named in FreeType's ftoption.h, which explains
 * it; what is not defined here is off. Off on purpose: compressed and Brotli streams, PNG, SVG
 * and colour layers (no libraries for them), HarfBuzz (shaping is not fontd's yet), environment
 * properties (no environment), Mac resource forks and PostScript glyph names (not TrueType
 * rendering), variations and BDF tables (not used), module error codes.
 */

#ifndef VECTRA_FTOPTION_H_
#define VECTRA_FTOPTION_H_

#include <ft2build.h>

FT_BEGIN_HEADER

/* 16.16 multiplication inline. */
#define FT_CONFIG_OPTION_INLINE_MULFIX

/* The smooth rasteriser's band pool on the stack (FreeType's default size). */
#define FT_RENDER_POOL_SIZE 16384L

/* Three modules are registered (vectra_ftmodule.h); room for the renderer FreeType adds itself. */
#define FT_MAX_MODULES 8

/* Every character map format a TrueType font may carry. */
#define TT_CONFIG_CMAP_FORMAT_0
#define TT_CONFIG_CMAP_FORMAT_2
#define TT_CONFIG_CMAP_FORMAT_4
#define TT_CONFIG_CMAP_FORMAT_6
#define TT_CONFIG_CMAP_FORMAT_8
#define TT_CONFIG_CMAP_FORMAT_10
#define TT_CONFIG_CMAP_FORMAT_12
#define TT_CONFIG_CMAP_FORMAT_13
#define TT_CONFIG_CMAP_FORMAT_14

/* Embedded bitmaps (sbit strikes) and the font's own hinting program, with minimal subpixel hinting. */
#define TT_CONFIG_OPTION_EMBEDDED_BITMAPS
#define TT_CONFIG_OPTION_BYTECODE_INTERPRETER
#define TT_CONFIG_OPTION_SUBPIXEL_HINTING 2
/* A hinting program that runs longer than this is stopped (a malformed font cannot loop forever). */
#define TT_CONFIG_OPTION_MAX_RUNNABLE_OPCODES 1000000L

/* What FreeType's ftoption.h derives from the two options above. */
#define TT_USE_BYTECODE_INTERPRETER
#define TT_SUPPORT_SUBPIXEL_HINTING_MINIMAL

/* Values of drivers not built, which shared code still names. */
#define T1_MAX_DICT_DEPTH 5
#define T1_MAX_SUBRS_CALLS 16
#define T1_MAX_CHARSTRINGS_OPERANDS 256
#define CFF_CONFIG_OPTION_DARKENING_PARAMETER_X1 500
#define CFF_CONFIG_OPTION_DARKENING_PARAMETER_Y1 400
#define CFF_CONFIG_OPTION_DARKENING_PARAMETER_X2 1000
#define CFF_CONFIG_OPTION_DARKENING_PARAMETER_Y2 275
#define CFF_CONFIG_OPTION_DARKENING_PARAMETER_X3 1667
#define CFF_CONFIG_OPTION_DARKENING_PARAMETER_Y3 275
#define CFF_CONFIG_OPTION_DARKENING_PARAMETER_X4 2333
#define CFF_CONFIG_OPTION_DARKENING_PARAMETER_Y4 0

FT_END_HEADER

#endif
