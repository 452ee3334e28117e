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

#include <string_view>
#include <vectra/Error.h>
#include <vectra/Path.h>

namespace vectra::http {

struct TargetPath {
    Path path;
    bool directory { false }; /* the target ended in '/' (the root included) */
};

[[nodiscard]] ErrorOr<TargetPath> parse_target_path(std::string_view target);

}
