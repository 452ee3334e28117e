/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's vectra.display session (DisplayLink.h).
 */

#include <compositord/DisplayLink.h>
#include <vectra/System.h>
#include <vectra/Try.h>

namespace vectra::compositord {

ErrorOr<DisplayLink> DisplayLink::open(RingCap listen_requests, RingCap listen_replies, ReticleCap pool)
{
    return DisplayLink(
        TRY(Client::open(std::move(listen_requests), std::move(listen_replies), std::move(pool), display_bits)));
}

ErrorOr<surface::Target> DisplayLink::acquire()
{
    auto mode = TRY(m_client.call(display::ReadMode {}));
    if (mode.format != u8(PixelFormat::Xrgb8888))
        return Error(ErrorCode::InvalidArgument, "compositord composes XRGB8888 only");
    auto lent = TRY(m_client.call_receiving(display::LendFramebuffer {}));
    auto lent_memory = endpoint::lent_memory(lent.capability, true);
    if (lent_memory.is_error()) {
        if (lent.capability)
            endpoint::discard(*lent.capability);
        return lent_memory.release_error();
    }
    auto memory = lent_memory.release_value();
    if (lent.reply.generation != mode.generation || u64(memory.size) < u64(mode.stride) * mode.height) {
        (void)system::remove(std::move(memory.memory));
        return Error(ErrorCode::InvalidArgument, "the lent framebuffer does not hold the mode");
    }
    if (!m_framebuffer.is_empty())
        (void)system::remove(std::move(m_framebuffer));
    m_framebuffer = std::move(memory.memory);
    m_generation = mode.generation;
    auto pixels = TRY(system::map_memory(m_framebuffer));
    return surface::Target { pixels, mode.width, mode.height, mode.stride };
}

ErrorOr<Presented> DisplayLink::present(Rectangle const& rectangle)
{
    auto presented
        = m_client.call(display::Present { m_generation, rectangle.x, rectangle.y, rectangle.width, rectangle.height });
    if (presented.is_error() && presented.error().is(display::DisplayError::ModeChanged))
        return Presented::ModeChanged;
    TRY(presented);
    return Presented::Shown;
}

}
