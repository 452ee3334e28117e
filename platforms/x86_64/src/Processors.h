/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the platform's other files need to know about the started CPUs (Processors.cpp).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

/* CPUs started and reported in (1 until start_processors ran). */
[[nodiscard]] u32 processors_online();

/* The local APIC id of CPU `index` (< processors_online()). */
[[nodiscard]] u32 apic_identifier_of(u32 index);

}
