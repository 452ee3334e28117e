/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <optional>
#include <string_view>
#include <vectra/BoundedVector.h>
#include <vectra/Bundle.h>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/Utf8String.h>
#include <vectra/encoding/DecodeError.h>
#include <vectra/encoding/Describe.h>

namespace vectra {

/*
 * A Task's arguments and environment come only from two named Bundle slots, each a MemCap
 * (RightRead is all the child needs) naming memory that holds one canonical binary message
 * (core/encoding) at its start; bytes after the message are ignored.
 *
 *     "arguments"    Arguments:   u16 version 1, u32 body length, u32 count, count × (u32 length, UTF-8)
 *     "environment"  Environment: u16 version 1, u32 body length, u32 count,
 *                                 count × (u32 length, UTF-8 name, u32 length, UTF-8 value)
 *
 * Environment names are non-empty, of [A-Za-z0-9_], and strictly ascending (sorted, no
 * repeats), so one environment has exactly one encoding. Nothing else is implicit: a Task
 * whose Bundle has no such slot has no arguments or no environment, and says so.
 */
inline constexpr std::string_view arguments_slot_name = "arguments";
inline constexpr std::string_view environment_slot_name = "environment";

struct Arguments {
    static constexpr usize maximum_count = 16;
    static constexpr usize maximum_bytes = 256; /* per argument */
    using Value = Utf8String<maximum_bytes>;

    BoundedVector<Value, maximum_count> values;

    [[nodiscard]] usize count() const { return values.size(); }
    [[nodiscard]] std::string_view operator[](usize index) const { return values[index].bytes(); }

    static constexpr auto fields() { return vectra::fields(vectra::field("values", &Arguments::values)); }
};

struct EnvironmentVariable {
    static constexpr usize maximum_name_bytes = 32;
    static constexpr usize maximum_value_bytes = 256;

    Utf8String<maximum_name_bytes> name;
    Utf8String<maximum_value_bytes> value;

    static constexpr auto fields()
    {
        return vectra::fields(
            vectra::field("name", &EnvironmentVariable::name), vectra::field("value", &EnvironmentVariable::value));
    }
};

struct Environment {
    static constexpr usize maximum_count = 16;

    BoundedVector<EnvironmentVariable, maximum_count> variables;

    [[nodiscard]] usize count() const { return variables.size(); }
    /* The value of `name`, if the environment has it. */
    [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const;

    static constexpr auto fields() { return vectra::fields(vectra::field("variables", &Environment::variables)); }
};

/* The limits the child decodes with: the types' own capacities, and no deeper than they nest. */
[[nodiscard]] DecodeLimits process_decode_limits();

/* Names well formed (non-empty, [A-Za-z0-9_]) and strictly ascending; InvalidArgument otherwise. */
[[nodiscard]] ErrorOr<void> validate_environment(Environment const&);

/*
 * Child side: take the slot and decode it into the caller's storage. Each refusal is distinct:
 * NotFound (no such slot, or taken already), WrongClass (not a MemCap), MissingRight (no
 * RightRead), MalformedMessage / SchemaMismatch / TooLarge (the bytes are not a valid message:
 * the decoder's error), InvalidArgument (an environment that decodes but breaks the name rules).
 * On error `into` holds a mix of old and new values: do not use it.
 */
[[nodiscard]] ErrorOr<void> take_arguments(Bundle&, Arguments& into);
[[nodiscard]] ErrorOr<void> take_environment(Bundle&, Environment& into);

/*
 * Parent side, before the child first runs: encode into a new memory object retyped from
 * `memory` (the parent's ReticleCap, RightRetype), its original MemCap in the parent's space,
 * and grant the child a read-only copy as the named slot. Returns the original: keep it while
 * the child runs (removing it revokes the child's copy).
 */
[[nodiscard]] ErrorOr<MemCap> grant_arguments(TaskCap const& child, ReticleCap const& memory, Arguments const&);
[[nodiscard]] ErrorOr<MemCap> grant_environment(TaskCap const& child, ReticleCap const& memory, Environment const&);

}
