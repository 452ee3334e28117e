/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A request target as a typed Path (core/path), never a string: the path part of an origin-form
 * or absolute-form target (the query dropped) is split at '/', each segment percent-decoded on
 * its own and joined as a Path component. Refused (`invalid-target`): '%' not followed by two hex
 * digits; a segment that decodes to '/', '\', NUL or another control byte (an encoded separator
 * or escape); "." and ".." whether written or encoded (refused, not resolved); an empty segment
 * ("//") other than a final one; asterisk form. A path longer than Path holds is `target-too-long`.
 */

#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/Path.h>

namespace vectra::http {

struct TargetPath {
    Path path;
    bool directory { false }; /* the target ended in '/' (the root included) */
};

[[nodiscard]] ErrorOr<TargetPath> parse_target_path(std::string_view target);

/*
 * Where a target naming a folder without its final '/' is sent (a 301's Location): the target's
 * path as the client wrote it (absolute form: its path alone), a '/' after it, then its query if it
 * had one — "/docs?x" becomes "/docs/?x". Written into `buffer`; nothing when it does not fit or the
 * target is not one parse_target_path accepts as a path without its final '/'.
 */
[[nodiscard]] std::optional<std::string_view> folder_location(std::string_view target, std::span<char> buffer);

}
