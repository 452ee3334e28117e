/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Bundle.h>
#include <vectra/Error.h>
#include <vectra/Try.h>
#include <vectra/encoding/Binary.h>
#include <vectra/encoding/Structure.h>

namespace vectra {

/*
 * A Task's configuration (docs/adr/0037-configuration-data-in-the-manifest.md): data a boot
 * manifest gives one Task, in the shape its footprint declares (`"config"` in footprint.json).
 * The manifest compiler checks the value against the declaration and encodes it as one canonical
 * binary message (core/encoding); initd hands it over as the Bundle slot "config", a MemCap with
 * RightRead alone. The Task decodes it into its own described type T, whose structure must be the
 * footprint's: `static_assert(configuration_matches<T, footprints::<entry>_configuration>())`
 * (the generated footprint header) fails the build when they differ. A Task whose footprint
 * declares no configuration has no such slot.
 */
inline constexpr std::string_view configuration_slot_name = "config";
inline constexpr usize configuration_maximum_bytes = 4096; /* one page; the compiler refuses a larger declaration */

/* Whether T decodes what the footprint declared (`Declared`: the generated `<entry>_configuration`). */
template<typename T, typename Declared>
[[nodiscard]] consteval bool configuration_matches()
{
    return encoding::version_of<T>() == Declared::version && encoding::structure_hash<T>() == Declared::structure_hash
        && maximum_binary_size<T>() == Declared::maximum_bytes && Declared::maximum_bytes <= configuration_maximum_bytes;
}

/* The limits a configuration is decoded with: a page of input at most, shallow nesting. */
[[nodiscard]] constexpr DecodeLimits configuration_decode_limits()
{
    DecodeLimits limits;
    limits.maximum_depth = 8;
    limits.maximum_string_bytes = configuration_maximum_bytes;
    limits.maximum_elements = configuration_maximum_bytes;
    limits.maximum_input_bytes = configuration_maximum_bytes;
    return limits;
}

/*
 * The message at the start of a named MemCap slot's memory, as long as its header says: NotFound
 * (no slot, or taken), WrongClass, MissingRight (no RightRead), MalformedMessage (shorter than a
 * header, or claiming more bytes than the memory holds). Shared with arguments and environment.
 */
[[nodiscard]] ErrorOr<std::span<u8 const>> take_slot_message(Bundle&, std::string_view slot_name);

/* Decodes configuration bytes (a whole message) into `into`: the decoder's error when they are not T's canonical form. */
template<typename T>
[[nodiscard]] ErrorOr<void> decode_configuration(std::span<u8 const> message, T& into)
{
    if (message.size() > configuration_maximum_bytes)
        return Error(ErrorCode::TooLarge, "a configuration is larger than a page");
    TRY(decode_binary(message, into, configuration_decode_limits()));
    return {};
}

/* Takes the "config" slot and decodes it into `into`. On error `into` holds a mix of values: do not use it. */
template<typename T>
[[nodiscard]] ErrorOr<void> take_configuration(Bundle& bundle, T& into)
{
    auto message = TRY(take_slot_message(bundle, configuration_slot_name));
    return decode_configuration(message, into);
}

}
