/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * BoringSSL inside one Task: the Task hands the library its randomness and its memory before the
 * first TLS or key operation. BoringSSL is built without locks (ADR 0030): the Task that calls
 * use_random() and use_memory() is the only one that may call into it.
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/Random.h>

namespace vectra::tls {

/*
 * Every byte BoringSSL draws from "the operating system" (its DRBG's seed and the additional
 * input it mixes into each draw) comes from `generator` from now on. The generator must outlive
 * every later BoringSSL call. Without it, BoringSSL's first draw panics: it is never given
 * bytes of a weaker source.
 */
void use_random(HighRng& generator);

/*
 * Every BoringSSL allocation comes from `memory` from now on (a carve of the Task's Reticle: a
 * heap with free, core/libc's Heap). It must stay mapped for the rest of the Task's life: BoringSSL
 * keeps global state (its error queue, its DRBG's state) in it. When it is used up, BoringSSL's
 * allocation fails and the call that needed it reports an error (a handshake ends with
 * SSL_ERROR_SSL, ERR_R_MALLOC_FAILURE): never a panic. Without memory, every allocation fails.
 * Refused (Busy) while memory handed earlier still holds live allocations.
 */
[[nodiscard]] ErrorOr<void> use_memory(std::span<u8> memory);

struct MemoryUse {
    usize capacity;
    usize in_use;
    usize peak;
    usize refusals;
};

/* How much of the memory BoringSSL uses now, at most so far, and how many requests it refused. */
[[nodiscard]] MemoryUse memory_use();

}
