/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fontd's Task: its footprint checked, its catalogue taken — each face's name from its
 * configuration (ADR 0037) and its bytes from a read-only MemCap the build made (ADR 0038's
 * amendment), mapped in place — FreeType started on CONFIG_FONTD_FONT_MEMORY_KIB of its own memory,
 * then every session of vectra.font served from one loop (Server.h).
 */

#include <fontd/Server.h>
#include <vectra/Configuration.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/Utf8String.h>
#include <vectra/config.h>
#include <vectra/footprints/fontd.h>

VECTRA_TASK_ENTRY(fontd);

namespace vectra::fontd {

/* The configuration footprint.json declares: the name of the face in slot font-0 and in font-1. */
struct Catalogue {
    static constexpr u16 version = 1;
    Utf8String<font::maximum_name> font_0;
    Utf8String<font::maximum_name> font_1;
    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("font_0", &Catalogue::font_0), vectra::field("font_1", &Catalogue::font_1));
    }
};

}

static_assert(vectra::configuration_matches<vectra::fontd::Catalogue, vectra::footprints::fontd_configuration>(),
    "fontd::Catalogue differs from the \"config\" declared in services/fontd/footprint.json");

namespace vectra::task_entries {

ErrorOr<i32> fontd(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::fontd)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    fontd::Catalogue names;
    TRY(take_configuration(bundle, names));
    auto font_0 = TRY(bundle.take<MemCap>("font-0"));
    auto font_1 = TRY(bundle.take<MemCap>("font-1"));
    fontd::CatalogueFace catalogue[] = {
        { names.font_0.bytes(), TRY(system::map_memory_read_only(font_0)) },
        { names.font_1.bytes(), TRY(system::map_memory_read_only(font_1)) },
    };
    TRY(print_line(console, "fontd: catalogue '{}' ({} bytes), '{}' ({} bytes); up to {} sessions, a {}x{} atlas each, {} KiB for FreeType and HarfBuzz",
        catalogue[0].name, catalogue[0].bytes.size(), catalogue[1].name, catalogue[1].bytes.size(), fontd::maximum_sessions,
        font::atlas_width, font::atlas_height, CONFIG_FONTD_FONT_MEMORY_KIB));
    TRY(fontd::run(memory, usize(CONFIG_FONTD_FONT_MEMORY_KIB) * KiB, catalogue, std::move(requests), std::move(replies), &ready));
    return 0;
}

}
