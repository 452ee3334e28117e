/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * lwIP's architecture header for Vectra (lwIP includes it as <arch/cc.h>): how lwIP reports, asserts
 * and draws random numbers. The three hooks are C functions the Task that links lwIP defines (netd,
 * or a test): lwIP's state is one Task's, and the port layer (closed) may not reach core/random or
 * the Task's clock itself. Both architectures are little-endian.
 */

#ifndef VECTRA_LWIP_ARCH_CC_H
#define VECTRA_LWIP_ARCH_CC_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h> /* ssize_t: lwIP would otherwise typedef its own as int, against the C library's */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A 32-bit random number (TCP initial sequence numbers, ports, DHCP transaction ids): core/random. */
uint32_t vectra_lwip_random(void);
/* lwIP found its own state broken: the linking Task panics with lwIP's message and place. */
void vectra_lwip_assert(char const* message, char const* file, int line) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif
#define LWIP_NO_CTYPE_H 1
#define LWIP_RAND() vectra_lwip_random()
#define LWIP_PLATFORM_DIAG(x) \
    do {                      \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) vectra_lwip_assert((x), __FILE__, __LINE__)

#endif
