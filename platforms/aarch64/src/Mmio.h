/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * 32-bit device register access. Device memory (Device-nGnRnE in boot.S's map) keeps these
 * accesses in program order with respect to each other.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform::aarch64 {

[[nodiscard]] inline u32 mmio_read32(uptr address) { return *reinterpret_cast<u32 volatile*>(address); }

inline void mmio_write32(uptr address, u32 value) { *reinterpret_cast<u32 volatile*>(address) = value; }

}
