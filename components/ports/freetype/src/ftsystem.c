/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * FreeType's system layer for Vectra, in place of src/base/ftsystem.c: there is no global heap
 * and no file. FT_New_Memory makes no FT_Memory (so FT_Init_FreeType fails with
 * FT_Err_Out_Of_Memory): a Task makes its library with FT_New_Library over an FT_MemoryRec on
 * its own memory (services/fontd's FontMemory, a core/libc Heap on a carve of its Reticle).
 * FT_Stream_Open opens nothing: faces come from memory (FT_New_Memory_Face, FT_Open_Face with
 * FT_OPEN_MEMORY).
 */

#include <ft2build.h>
#include FT_CONFIG_CONFIG_H
#include <freetype/internal/ftdebug.h>
#include <freetype/internal/ftstream.h>
#include <freetype/ftsystem.h>
#include <freetype/fterrors.h>
#include <freetype/fttypes.h>

FT_BASE_DEF( FT_Error )
FT_Stream_Open( FT_Stream    stream,
                const char*  filepathname )
{
  (void)filepathname;
  if ( !stream )
    return FT_THROW( Invalid_Stream_Handle );
  return FT_THROW( Cannot_Open_Resource );
}

FT_BASE_DEF( FT_Memory )
FT_New_Memory( void )
{
  return NULL;
}

FT_BASE_DEF( void )
FT_Done_Memory( FT_Memory  memory )
{
  (void)memory;
}
