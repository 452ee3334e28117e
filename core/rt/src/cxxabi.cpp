/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The C++ ABI and libstdc++ support symbols a freestanding image needs. Images are built
 * without exceptions, so every std::__throw_* helper is a panic naming what was thrown.
 */

#include <vectra/Panic.h>
#include <vectra/Types.h>

extern "C" {

void* __dso_handle = nullptr;

/* Static destructors never run: an image ends by powering off after the fini classes ran. */
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }

[[noreturn]] void __cxa_pure_virtual() { PANIC("pure virtual function called"); }

/* Images are single-threaded during static initialisation; guards only record completion. */
int __cxa_guard_acquire(unsigned long long* guard) { return *reinterpret_cast<char*>(guard) == 0; }
void __cxa_guard_release(unsigned long long* guard) { *reinterpret_cast<char*>(guard) = 1; }
void __cxa_guard_abort(unsigned long long*) { }

[[noreturn]] void abort() { PANIC("abort() called"); }

/* Boost.Context calls _exit when a context function returns; Vectra Tasks never return there. */
[[noreturn]] void _exit(int) { PANIC("a context function returned into _exit"); }

int __libc_single_threaded = 1;
}

namespace std {

[[noreturn]] void terminate() noexcept { PANIC("std::terminate called"); }

#define VECTRA_THROW_HELPER(name) \
    [[noreturn]] void name() { PANIC("C++ exception " #name " (exceptions are off)"); }
#define VECTRA_THROW_HELPER_WITH_MESSAGE(name) \
    [[noreturn]] void name(char const*) { PANIC("C++ exception " #name " (exceptions are off)"); }

VECTRA_THROW_HELPER(__throw_bad_alloc)
VECTRA_THROW_HELPER(__throw_bad_array_new_length)
VECTRA_THROW_HELPER(__throw_bad_cast)
VECTRA_THROW_HELPER(__throw_bad_typeid)
VECTRA_THROW_HELPER(__throw_bad_exception)
VECTRA_THROW_HELPER(__throw_bad_function_call)
VECTRA_THROW_HELPER_WITH_MESSAGE(__throw_logic_error)
VECTRA_THROW_HELPER_WITH_MESSAGE(__throw_domain_error)
VECTRA_THROW_HELPER_WITH_MESSAGE(__throw_invalid_argument)
VECTRA_THROW_HELPER_WITH_MESSAGE(__throw_length_error)
VECTRA_THROW_HELPER_WITH_MESSAGE(__throw_out_of_range)
VECTRA_THROW_HELPER_WITH_MESSAGE(__throw_runtime_error)
VECTRA_THROW_HELPER_WITH_MESSAGE(__throw_range_error)
VECTRA_THROW_HELPER_WITH_MESSAGE(__throw_overflow_error)
VECTRA_THROW_HELPER_WITH_MESSAGE(__throw_underflow_error)

[[noreturn]] void __throw_out_of_range_fmt(char const*, ...) { PANIC("C++ exception __throw_out_of_range_fmt (exceptions are off)"); }
[[noreturn]] void __throw_system_error(int) { PANIC("C++ exception __throw_system_error (exceptions are off)"); }

}

extern "C" {

/*
 * {fmt} reaches snprintf only for long double and hexadecimal floating point, which Vectra
 * code does not format. Returning −1 would make {fmt} retry forever, so it panics instead.
 * Weak: an image that links core/libc (a port needs formatting) gets its snprintf, which
 * panics on floating point just the same.
 */
__attribute__((weak)) int snprintf(char*, vectra::usize, char const*, ...)
{
    PANIC("snprintf is not available in images");
}

}
