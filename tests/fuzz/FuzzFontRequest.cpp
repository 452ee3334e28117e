/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: vectra.font requests answered by one of fontd's session handlers (Server.h's
 * SessionState) over the real Engine with DejaVu Sans, Noto Sans Arabic and a malformed face in its
 * catalogue (open-face, set-size, rasterise, shape, rasterise-glyphs, atlas, close-face, state). The
 * input is a sequence of requests ([length byte][bytes]) on one session, so faces really open,
 * sizes are set and glyphs fill the atlas; after each: the reply is well formed (DispatchFuzzer.h),
 * the session's limits hold (4 faces, 512 glyphs), and no glyph the session reports lies outside
 * the atlas. The atlas has a guard after it that must stay untouched.
 */

#include "DispatchFuzzer.h"
#include <fontd/Server.h>
#include "../services/FontFiles.h"
#include <vector>

using namespace vectra;

namespace {

constexpr usize guard = 4096;

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    static std::vector<u8> memory(1024 * KiB);
    static std::vector<u8> malformed(2048, 0x17);
    static fontd::Engine* engine = [] {
        static fontd::Engine instance(memory);
        VERIFY(!instance.start().is_error());
        VERIFY(!instance.add("DejaVu Sans", test::dejavu_sans()).is_error());
        VERIFY(!instance.add("Noto Sans Arabic", test::noto_sans_arabic()).is_error());
        VERIFY(!instance.add("Broken", malformed).is_error());
        return &instance;
    }();
    static std::vector<u8> atlas(fontd::atlas_bytes + guard, 0);
    static MemCap no_capability;
    fontd::SessionState session(*engine, no_capability, std::span<u8>(atlas).first(fontd::atlas_bytes));
    usize at = 0;
    while (at < size) {
        usize length = data[at++];
        if (length > size - at)
            length = size - at;
        (void)test::fuzz_dispatch<font::Protocol>(session, std::span<u8 const>(data + at, length));
        at += length;
        auto state = MUST(session.handle(font::ReadState {}));
        VERIFY(state.faces <= font::faces_per_session);
        VERIFY(state.glyphs <= fontd::glyphs_per_session);
        VERIFY(state.atlas_rows <= font::atlas_height);
    }
    session.reset();
    for (usize index = fontd::atlas_bytes; index < atlas.size(); ++index)
        VERIFY(atlas[index] == 0);
    return 0;
}
