/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Debian's DejaVu Sans (and Sans Bold, Sans Mono) for the host tests, read once from the port cache
 * (components/ports/fonts-dejavu: VECTRA_FONTS_DEJAVU_DIR, set by tests/services/fontd.cmake).
 */

#pragma once

#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include <vectra/Types.h>

namespace vectra::test {

inline std::vector<u8> read_font(char const* name)
{
    std::ifstream file(std::string(VECTRA_FONTS_DEJAVU_DIR) + "/" + name, std::ios::binary);
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

}
