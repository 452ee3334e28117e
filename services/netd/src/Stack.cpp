/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hooks the lwIP port asks of the Task that links it (components/ports/lwip/README.md), and
 * the stack's start. lwIP's state is global C state with C callbacks and no context pointer, so
 * its random generator is reachable from static storage, as core/crypto's is for libsodium.
 */

#include <lwip/init.h>
#include <lwip/netif.h>
#include <lwip/timeouts.h>
#include <netd/LinkInterface.h>
#include <netd/Stack.h>
#include <new>
#include <vectra/Panic.h>
#include <vectra/Random.h>
#include <vectra/SystemClock.h>

namespace vectra::netd {

namespace {

using Generator = Rng<Confidence::Standard>;
alignas(Generator) u8 s_generator_storage[sizeof(Generator)];
Generator* s_generator = nullptr;
LinkInterface* s_link = nullptr;

}

static_assert(lwip_heap_bytes == VECTRA_LWIP_HEAP_BYTES);

ErrorOr<void> Stack::start(std::span<u8> heap, EntropySource& entropy)
{
    if (s_generator != nullptr)
        return Error(ErrorCode::AlreadyExists, "the lwIP stack of this Task is running");
    if (heap.size() < lwip_heap_bytes || reinterpret_cast<uptr>(heap.data()) % 8 != 0)
        return Error(ErrorCode::InvalidArgument, "lwIP's heap is smaller than VECTRA_LWIP_HEAP_BYTES or misaligned");
    s_generator = new (s_generator_storage) Generator(Generator::create(entropy));
    vectra_lwip_heap = heap.data();
    lwip_init(); /* with LWIP_HAVE_LOOPIF: the loopback interface, 127.0.0.1 and ::1 */
    return {};
}

u32 Stack::turn()
{
    if (s_link != nullptr)
        s_link->poll();
    netif_poll_all();
    sys_check_timeouts();
    return sys_timeouts_sleeptime();
}

void Stack::attach(LinkInterface& link) { s_link = &link; }

u64 Stack::wait_mask() { return s_link != nullptr ? LinkInterface::reply_bit.mask() : 0; }

}

extern "C" {

unsigned char* vectra_lwip_heap = nullptr;

u32_t sys_now(void) { return u32_t(vectra::monotonic_now().nanoseconds_since_boot() / 1000000); }

uint32_t vectra_lwip_random(void)
{
    if (vectra::netd::s_generator == nullptr)
        PANIC("lwIP asked for random bits before netd started its stack");
    return vectra::netd::s_generator->next_u32();
}

void vectra_lwip_assert(char const* message, char const* file, int line) { vectra::panic(message, file, line); }
}
