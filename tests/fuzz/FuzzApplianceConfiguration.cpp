/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as the appliance's configuration (apps/httpappliance
 * Configuration.h). Settings come only from a message that decodes; when they come, the port is
 * the message's (or 80) and the folder is absolute with no empty, "." or ".." component — the folder, parsed
 * again from its own text, is the same Path.
 */

#include <httpappliance/Configuration.h>
#include <vectra/Configuration.h>
#include <vectra/Error.h>

using namespace vectra;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    std::span<u8 const> bytes(data, size);
    auto settings = http_appliance::settings_from(bytes, 80);
    if (settings.is_error())
        return 0;
    http_appliance::ApplianceConfiguration configuration;
    VERIFY(!decode_configuration(bytes, configuration).is_error());
    VERIFY(settings.value().port == configuration.port.value_or(80));
    std::string_view folder = configuration.folder.has_value() ? configuration.folder->bytes() : http_appliance::default_folder;
    VERIFY(!folder.empty() && folder.front() == '/');
    VERIFY(folder.find("//") == std::string_view::npos);
    VERIFY(folder.find("/./") == std::string_view::npos && folder.find("/../") == std::string_view::npos);
    VERIFY(!(folder.size() >= 2 && folder.substr(folder.size() - 2) == "/.") && !(folder.size() >= 3 && folder.substr(folder.size() - 3) == "/.."));
    VERIFY(http_appliance::parse_folder(folder).value() == settings.value().folder);
    return 0;
}
