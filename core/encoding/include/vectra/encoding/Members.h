/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <type_traits>
#include <vectra/encoding/DecodeError.h>
#include <vectra/encoding/Describe.h>

namespace vectra::encoding {

/*
 * The last step of decoding a keyed form (JSON object, MessagePack map) into a described struct:
 * members not seen (bit i of `seen` for field i) are reset when optional; the first required one
 * missing is an error at `offset`, naming it. Shared by every keyed decoder; `Reader` provides
 * `state().field` and `error(code, message, offset)`.
 */
template<typename T, typename Reader>
[[nodiscard]] ErrorOr<void, DecodeError> finish_members(Reader& reader, T& value, u64 seen, usize offset)
{
    ErrorOr<void, DecodeError> result;
    usize index = 0;
    for_each_field(field_list<T>, [&](auto const& entry) {
        using Member = typename std::remove_cvref_t<decltype(entry)>::MemberType;
        bool present = seen & (u64(1) << index++);
        if (present)
            return true;
        if constexpr (is_optional<Member>) {
            (value.*(entry.member)).reset();
            return true;
        } else {
            reader.state().field = entry.name;
            result = reader.error(ErrorCode::MalformedMessage, "required member is missing", offset);
            return false;
        }
    });
    return result;
}

}
