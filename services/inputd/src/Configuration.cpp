/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <inputd/Configuration.h>
#include <vectra/Configuration.h>
#include <vectra/Try.h>

namespace vectra::inputd {

ErrorOr<Configuration> configuration_from(InputConfiguration const& given)
{
    Configuration configuration;
    char name[3] {};
    if (given.keymap.has_value()) {
        auto bytes = given.keymap->bytes();
        for (usize index = 0; index < bytes.size() && index < 2; ++index)
            name[index] = bytes[index];
    } else {
        name[0] = 'u';
        name[1] = 's';
    }
    auto keymap = input::find_keymap(name);
    if (keymap.is_error())
        return Error(ErrorCode::InvalidArgument, "keymap: us or de");
    configuration.keymap = keymap.value();
    configuration.repeat.delay_milliseconds = given.repeat_delay_ms.value_or(500);
    configuration.repeat.rate_per_second = given.repeat_rate.value_or(25);
    configuration.width = given.width.value_or(1024);
    configuration.height = given.height.value_or(768);
    if (configuration.repeat.delay_milliseconds == 0 || configuration.width == 0 || configuration.height == 0)
        return Error(ErrorCode::InvalidArgument, "repeat_delay_ms, width and height are at least 1");
    return configuration;
}

ErrorOr<Configuration> configuration_from(std::span<u8 const> bytes)
{
    InputConfiguration configuration;
    TRY(decode_configuration(bytes, configuration));
    return configuration_from(configuration);
}

}
