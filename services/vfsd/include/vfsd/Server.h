/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/Ring.h>
#include <vfsd/RamFilesystem.h>

namespace vectra::vfs {

/*
 * Decodes one request, applies it to the filesystem and encodes the reply into `reply` (at
 * least reply_header_size bytes; only its first message_capacity bytes are ever used, so every
 * reply fits one Ring slot). Malformed or unknown requests, and replies that cannot be encoded,
 * get an error reply; a refused request changes nothing. Returns the reply length.
 */
[[nodiscard]] usize handle_request(RamFilesystem&, std::span<u8 const> request, std::span<u8> reply);

/*
 * Serves one connection with handle_request until a Ring fails (PeerRestarted when the
 * supervisor resets them); no request makes it return. Refuses Rings whose slots differ from
 * the vfs geometry (ring_slot_size), since a larger slot could carry a request it cannot take.
 */
[[nodiscard]] ErrorOr<void> serve_connection(RamFilesystem&, RingReceiver& requests, RingSender& replies);

}
