/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Arguments.h>
#include <vectra/Configuration.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/encoding/Binary.h>

namespace vectra {

namespace {

[[nodiscard]] bool is_name_character(char character)
{
    return (character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z')
        || (character >= '0' && character <= '9') || character == '_';
}

template<typename T>
[[nodiscard]] ErrorOr<MemCap> grant_message(
    TaskCap const& child, std::string_view slot_name, ReticleCap const& reticle, T const& value)
{
    u8 buffer[maximum_binary_size<T>()];
    usize length = TRY(encode_binary(value, buffer));
    auto memory = TRY(system::create_memory(reticle, length));
    auto bytes = TRY(system::map_memory(memory));
    memcpy(bytes.data(), buffer, length);
    TRY(system::grant(child, slot_name, memory, RightRead));
    return memory;
}

}

std::optional<std::string_view> Environment::find(std::string_view name) const
{
    for (auto const& variable : variables) {
        if (variable.name.bytes() == name)
            return variable.value.bytes();
    }
    return {};
}

DecodeLimits process_decode_limits()
{
    DecodeLimits limits;
    limits.maximum_depth = 4;
    limits.maximum_string_bytes = Arguments::maximum_bytes > EnvironmentVariable::maximum_value_bytes
        ? Arguments::maximum_bytes
        : EnvironmentVariable::maximum_value_bytes;
    limits.maximum_elements
        = Arguments::maximum_count > Environment::maximum_count ? Arguments::maximum_count : Environment::maximum_count;
    limits.maximum_input_bytes = maximum_binary_size<Environment>() > maximum_binary_size<Arguments>()
        ? maximum_binary_size<Environment>()
        : maximum_binary_size<Arguments>();
    return limits;
}

ErrorOr<void> validate_environment(Environment const& environment)
{
    std::string_view previous;
    for (usize index = 0; index < environment.variables.size(); ++index) {
        std::string_view name = environment.variables[index].name.bytes();
        if (name.empty())
            return Error(ErrorCode::InvalidArgument, "an environment variable has an empty name");
        for (char character : name) {
            if (!is_name_character(character))
                return Error(ErrorCode::InvalidArgument, "an environment name has a character outside [A-Za-z0-9_]");
        }
        if (index > 0 && !(previous < name))
            return Error(
                ErrorCode::InvalidArgument, "environment names are not strictly ascending (unsorted or repeated)");
        previous = name;
    }
    return {};
}

ErrorOr<void> take_arguments(Bundle& bundle, Arguments& into)
{
    auto message = TRY(take_slot_message(bundle, arguments_slot_name));
    TRY(decode_binary(message, into, process_decode_limits()));
    return {};
}

ErrorOr<void> take_environment(Bundle& bundle, Environment& into)
{
    auto message = TRY(take_slot_message(bundle, environment_slot_name));
    TRY(decode_binary(message, into, process_decode_limits()));
    TRY(validate_environment(into));
    return {};
}

ErrorOr<MemCap> grant_arguments(TaskCap const& child, ReticleCap const& reticle, Arguments const& arguments)
{
    return grant_message(child, arguments_slot_name, reticle, arguments);
}

ErrorOr<MemCap> grant_environment(
    TaskCap const& child, ReticleCap const& reticle, Environment const& environment)
{
    TRY(validate_environment(environment));
    return grant_message(child, environment_slot_name, reticle, environment);
}

}
