/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <boost/context/detail/fcontext.hpp>
#include <vectra/System.h>
#include <vectra/LocalExecutor.h>
#include <vectra/Try.h>

namespace vectra {

namespace fcontext = boost::context::detail;

ErrorOr<usize> LocalExecutor::spawn(Entry entry, void* argument, usize stack_size)
{
    if (!entry)
        return Error(ErrorCode::InvalidArgument, "a fiber needs an entry");
    if (stack_size < 4 * KiB)
        return Error(ErrorCode::InvalidArgument, "fiber stacks are at least 4 KiB");
    for (usize index = 0; index < capacity; ++index) {
        auto& fiber = m_fibers[index];
        if (fiber.state != State::Free)
            continue;
        usize size = align_up(stack_size, 16);
        usize start = align_up(m_stacks_used, 64);
        if (start > m_stacks.size() || m_stacks.size() - start < size)
            return Error(ErrorCode::OutOfMemory, "the fibers' stack memory is used up");
        void* stack = m_stacks.data() + start;
        m_stacks_used = start + size;
        fiber = Fiber();
        fiber.entry = entry;
        fiber.argument = argument;
        fiber.state = State::Ready;
        fiber.context = fcontext::make_fcontext(static_cast<u8*>(stack) + size, size,
            [](fcontext::transfer_t transfer) { trampoline(transfer.fctx, transfer.data); });
        return index;
    }
    return Error(ErrorCode::Full, "the LocalExecutor runs at most 16 fibers");
}

void LocalExecutor::trampoline(void* loop_context, void* data)
{
    auto& executor = *static_cast<LocalExecutor*>(data);
    executor.m_loop_context = loop_context;
    auto& fiber = executor.m_fibers[executor.m_current];
    auto result = fiber.entry(executor, fiber.argument);
    if (result.is_error() && !executor.m_failed) {
        executor.m_failed = true;
        executor.m_first_error = result.error();
    }
    fiber.state = State::Finished;
    executor.switch_to_loop();
    VERIFY_NOT_REACHED();
}

void LocalExecutor::switch_to(usize index)
{
    m_current = index;
    auto transfer = fcontext::jump_fcontext(m_fibers[index].context, this);
    m_fibers[index].context = transfer.fctx;
    m_current = capacity;
}

void LocalExecutor::switch_to_loop()
{
    auto transfer = fcontext::jump_fcontext(m_loop_context, nullptr);
    m_loop_context = transfer.fctx;
}

bool LocalExecutor::runnable(Fiber& fiber)
{
    if (fiber.state == State::Ready)
        return true;
    if (fiber.state != State::Waiting || (m_pending & fiber.wait_mask) == 0)
        return false;
    fiber.received = m_pending & fiber.wait_mask;
    m_pending &= ~fiber.received;
    fiber.state = State::Ready;
    return true;
}

ErrorOr<void> LocalExecutor::run()
{
    for (;;) {
        u64 wanted = 0;
        bool alive = false;
        for (auto& fiber : m_fibers) {
            alive = alive || fiber.state == State::Ready || fiber.state == State::Waiting;
            if (fiber.state == State::Waiting)
                wanted |= fiber.wait_mask;
        }
        if (!alive)
            break;
        /* Bits raised while fibers ran: take them without waiting. */
        m_pending |= system::take_pending(wanted);
        bool ran = false;
        for (usize index = 0; index < capacity; ++index) {
            if (runnable(m_fibers[index])) {
                switch_to(index);
                ran = true;
            }
        }
        if (!ran) {
            if (wanted == 0)
                return Error(ErrorCode::InvalidArgument, "every live fiber waits on nothing");
            /* The Task's one signal wait per loop, on everything its fibers wait for. */
            m_pending |= system::wait(wanted);
        }
    }
    if (m_failed)
        return m_first_error;
    return {};
}

u64 LocalExecutor::wait(u64 mask)
{
    VERIFY(m_current < capacity);
    auto& fiber = m_fibers[m_current];
    if (u64 ready = m_pending & mask) {
        m_pending &= ~ready;
        return ready;
    }
    fiber.wait_mask = mask;
    fiber.received = 0;
    fiber.state = State::Waiting;
    switch_to_loop();
    return fiber.received;
}

void LocalExecutor::yield()
{
    VERIFY(m_current < capacity);
    switch_to_loop();
}

usize LocalExecutor::finished() const
{
    usize count = 0;
    for (auto const& fiber : m_fibers)
        count += fiber.state == State::Finished ? 1 : 0;
    return count;
}

}
