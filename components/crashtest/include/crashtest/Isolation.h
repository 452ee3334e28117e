/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The Ring a hostile Task of images/isolation writes raw bytes into (components/hostile).
 */

#pragma once

#include <crashtest/Echo.h>

namespace vectra::crashtest {

inline constexpr std::string_view bait_description = "schema vectra.test.bait version 1\n"
                                                     "message: anything; it exists to be attacked\n";
inline constexpr u64 bait_schema_id = schema_id_of(bait_description);

}
