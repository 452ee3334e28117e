/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Debian's DejaVu Sans (and Sans Bold, Sans Mono), Noto Sans Arabic and Noto Sans Devanagari for
 * the host tests, read once from the port cache (components/ports/fonts-dejavu and fonts-noto:
 * VECTRA_FONTS_DEJAVU_DIR and VECTRA_FONTS_NOTO_DIR, set by tests/services/fontd.cmake).
 */

#pragma once

#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include <vectra/Types.h>
#include <vectra/harfbuzz/Memory.h>

namespace vectra::test {

/*
 * HarfBuzz's lifetime memory (vectra/harfbuzz/Memory.h), set up before main: every Engine and
 * fontd loop of the program finds it (fontd::run would otherwise carve it from a Task's Reticle,
 * which ends before the program does).
 */
inline bool const harfbuzz_ready = [] {
    static std::vector<u8> lifetime(16 * 1024);
    return !harfbuzz::initialise(lifetime).is_error();
}();

inline std::vector<u8> read_font(char const* name, char const* folder = VECTRA_FONTS_DEJAVU_DIR)
{
    std::ifstream file(std::string(folder) + "/" + name, std::ios::binary);
    return std::vector<u8>(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

inline std::vector<u8> const& dejavu_sans()
{
    static std::vector<u8> const bytes = read_font("DejaVuSans.ttf");
    return bytes;
}

inline std::vector<u8> const& dejavu_sans_mono()
{
    static std::vector<u8> const bytes = read_font("DejaVuSansMono.ttf");
    return bytes;
}

inline std::vector<u8> const& dejavu_sans_bold()
{
    static std::vector<u8> const bytes = read_font("DejaVuSans-Bold.ttf");
    return bytes;
}

#ifdef VECTRA_FONTS_NOTO_DIR
inline std::vector<u8> const& noto_sans_arabic()
{
    static std::vector<u8> const bytes = read_font("NotoSansArabic-Regular.ttf", VECTRA_FONTS_NOTO_DIR);
    return bytes;
}

inline std::vector<u8> const& noto_sans_devanagari()
{
    static std::vector<u8> const bytes = read_font("NotoSansDevanagari-Regular.ttf", VECTRA_FONTS_NOTO_DIR);
    return bytes;
}
#endif

}
