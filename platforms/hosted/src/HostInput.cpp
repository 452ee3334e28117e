/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The window's input queue (vectra/platform/hosted/HostInput.h): filled by the SDL window's
 * thread, drained by the kernel (host_input_drain) under its lock, so a mutex of its own guards
 * it. Bounded: a group that does not fit is dropped whole and counted.
 */

#include <mutex>
#include <vectra/platform/HostInput.h>
#include <vectra/platform/hosted/HostInput.h>

namespace vectra::platform::hosted {

namespace {

struct Queue {
    std::mutex lock;
    bool present { false };
    u32 width { 0 };
    u32 height { 0 };
    HostInputEvent events[host_input_queue_capacity] {};
    usize first { 0 };
    usize count { 0 };
    u64 dropped { 0 };
};

Queue s_queue;

}

void host_input_open(u32 width, u32 height)
{
    std::lock_guard guard(s_queue.lock);
    s_queue.present = true;
    s_queue.width = width;
    s_queue.height = height;
}

bool host_input_push(std::span<HostInputEvent const> group)
{
    if (group.empty())
        return false;
    {
        std::lock_guard guard(s_queue.lock);
        if (!s_queue.present || host_input_queue_capacity - s_queue.count < group.size()) {
            ++s_queue.dropped;
            return false;
        }
        for (auto const& event : group) {
            s_queue.events[(s_queue.first + s_queue.count) % host_input_queue_capacity] = event;
            ++s_queue.count;
        }
    }
    raise_input_line();
    return true;
}

void host_input_reset()
{
    std::lock_guard guard(s_queue.lock);
    s_queue.present = false;
    s_queue.first = 0;
    s_queue.count = 0;
    s_queue.dropped = 0;
}

}

namespace vectra::platform {

using namespace hosted;

bool host_input_present()
{
    std::lock_guard guard(s_queue.lock);
    return s_queue.present;
}

HostInputInfo host_input_info()
{
    std::lock_guard guard(s_queue.lock);
    return { s_queue.width, s_queue.height, s_queue.dropped };
}

usize host_input_drain(std::span<HostInputEvent> into)
{
    std::lock_guard guard(s_queue.lock);
    usize moved = 0;
    while (moved < into.size() && s_queue.count > 0) {
        into[moved++] = s_queue.events[s_queue.first];
        s_queue.first = (s_queue.first + 1) % host_input_queue_capacity;
        --s_queue.count;
    }
    return moved;
}

u32 host_input_line() { return input_line; }

}
