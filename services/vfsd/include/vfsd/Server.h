/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vfsd/RamFilesystem.h>

namespace vectra::vfs {

/*
 * Decodes one request, applies it to the filesystem and encodes the reply into `reply`
 * (at least the Ring's payload capacity). Malformed or unknown requests get an error reply;
 * nothing a client sends can make this fail or change state partially. Returns the reply length.
 */
[[nodiscard]] usize handle_request(RamFilesystem&, std::span<u8 const> request, std::span<u8> reply);

}
