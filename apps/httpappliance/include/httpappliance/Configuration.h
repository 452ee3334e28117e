/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The appliance's port and folder from its configuration (ADR 0037: the boot manifest's "config"
 * of an http_appliance or https_appliance Task, declared in each entry's footprint): the TCP port it
 * listens on (none: the entry's own, 80 or 443; 0: a free one the stack picks, which the appliance's
 * first console line names — what the hosted images use) and the folder of vfsd's namespace it
 * serves, read-only (absolute, component by component — no empty, "." or ".." component, none
 * longer than a Path component; none: /www). Anything else is refused with the reason, and the
 * appliance does not start.
 */

#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vectra/Path.h>
#include <vectra/Utf8String.h>
#include <vectra/encoding/Describe.h>

namespace vectra::http_appliance {

inline constexpr usize folder_maximum_bytes = 255;
inline constexpr std::string_view default_folder = "/www";

/* The configuration both footprints declare (held to them by static_asserts in the entries). */
struct ApplianceConfiguration {
    static constexpr u16 version = 1;
    std::optional<u16> port;
    std::optional<Utf8String<folder_maximum_bytes>> folder;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("port", &ApplianceConfiguration::port),
            vectra::field("folder", &ApplianceConfiguration::folder));
    }
};

struct Settings {
    u16 port { 0 };
    Path folder;
};

/* `invalid-argument` (or `name-too-long`, `too-large`) unless `text` is an absolute folder of Path components. */
[[nodiscard]] ErrorOr<Path> parse_folder(std::string_view text);

/* The port and folder a configuration names (`default_port` and /www for what it leaves out). */
[[nodiscard]] ErrorOr<Settings> settings_from(ApplianceConfiguration const&, u16 default_port);
/* The same from the configuration's bytes: malformed bytes are the decoder's error. */
[[nodiscard]] ErrorOr<Settings> settings_from(std::span<u8 const> configuration, u16 default_port);

}
