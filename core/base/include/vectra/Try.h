/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Error.h>

/*
 * TRY(expression) evaluates an ErrorOr expression; on error it returns that error from the
 * enclosing function, otherwise it yields the value. Uses a statement expression (GCC, clang).
 */
#define TRY(expression)                                  \
    ({                                                   \
        auto&& _try_result = (expression);               \
        if (_try_result.is_error()) [[unlikely]]         \
            return _try_result.release_error();          \
        _try_result.release_value();                     \
    })
