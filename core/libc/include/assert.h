/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <assert.h> for ported C code on bare metal: a failed assertion panics, naming the
 * expression, file and line (NDEBUG turns assertions off, as the C standard says).
 */

#if !defined(__cplusplus) && !defined(static_assert)
/* C11's spelling of _Static_assert, as glibc's <assert.h> gives it. */
#    define static_assert _Static_assert
#endif

#ifndef VECTRA_LIBC_ASSERT_DECLARED
#    define VECTRA_LIBC_ASSERT_DECLARED
#    ifdef __cplusplus
extern "C" {
#    endif
__attribute__((noreturn)) void vectra_libc_assert_failed(char const* expression, char const* file, int line);
#    ifdef __cplusplus
}
#    endif
#endif

#undef assert
#ifdef NDEBUG
#    define assert(expression) ((void)0)
#else
#    define assert(expression) ((expression) ? (void)0 : vectra_libc_assert_failed(#expression, __FILE__, __LINE__))
#endif
