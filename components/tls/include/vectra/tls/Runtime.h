/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * BoringSSL inside one Task: the Task hands the library its randomness before the first TLS or
 * key operation. BoringSSL is built without locks (ADR 0030): the Task that calls use_random()
 * is the only one that may call into it.
 */

#pragma once

#include <vectra/Random.h>

namespace vectra::tls {

/*
 * Every byte BoringSSL draws from "the operating system" (its DRBG's seed and the additional
 * input it mixes into each draw) comes from `generator` from now on. The generator must outlive
 * every later BoringSSL call. Without it, BoringSSL's first draw panics: it is never given
 * bytes of a weaker source.
 */
void use_random(HighRng& generator);

}
