/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <httpappliance/Configuration.h>
#include <vectra/Configuration.h>
#include <vectra/Try.h>

namespace vectra::http_appliance {

ErrorOr<Path> parse_folder(std::string_view text)
{
    if (text.empty() || text.front() != '/')
        return Error(ErrorCode::InvalidArgument, "the folder is not an absolute path");
    Path folder = Path::root();
    if (text.size() == 1)
        return folder;
    usize start = 1;
    for (;;) {
        usize end = text.find('/', start);
        std::string_view component = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        folder = TRY(folder.try_join(component)); /* empty, ".", "..", NUL, too long: refused */
        if (end == std::string_view::npos)
            return folder;
        start = end + 1;
    }
}

ErrorOr<Settings> settings_from(ApplianceConfiguration const& configuration, u16 default_port)
{
    Settings settings;
    settings.port = configuration.port.value_or(default_port);
    settings.folder = TRY(parse_folder(configuration.folder.has_value() ? configuration.folder->bytes() : default_folder));
    return settings;
}

ErrorOr<Settings> settings_from(std::span<u8 const> bytes, u16 default_port)
{
    ApplianceConfiguration configuration;
    TRY(decode_configuration(bytes, configuration));
    return settings_from(configuration, default_port);
}

}
