/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: vectra.display requests answered by core/display's session handlers over its
 * real Server. Each input is run twice:
 *
 *   - whole, as one request of session 0 or 1, through DispatchFuzzer.h's checks (reply envelope,
 *     call id, canonical decoding), against a fixed backend that VERIFYs every present it gets
 *     lies within its mode;
 *   - as a sequence of requests ([control byte][length byte][bytes]) inside a Task, over a backend
 *     whose framebuffer is real memory: the control byte picks the session (four), and may change the
 *     mode (new memory, the generation on) or end the session. After every request: only the
 *     holder is ever answered, a refusal reaches no present, presents lie within the mode of their
 *     generation, and the generation counts the mode changes.
 */

#include "../TestSupport.h"
#include "../services/DisplayTestBackend.h"
#include "DispatchFuzzer.h"
#include "TaskFuzzer.h"
#include <vectra/System.h>
#include <vectra/display/Server.h>
#include <vectra/kernel/Executor.h>

using namespace vectra;

namespace {

/* A backend without memory: lend needs none (the loop sends the copy), present is only counted. */
class FixedBackend final : public display::Backend {
public:
    [[nodiscard]] DisplayMode mode() const override { return { 40, 30, 40 * 4, PixelFormat::Xrgb8888 }; }
    [[nodiscard]] MemCap const& framebuffer() const override { return m_none; }
    [[nodiscard]] ErrorOr<void> present(Rectangle const& rectangle) override
    {
        VERIFY(rectangle.lies_within(mode()));
        ++presents;
        return {};
    }
    u64 presents { 0 };

private:
    MemCap m_none;
};

std::span<u8 const> s_input;

ErrorOr<i32> sequence_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    test::ResizingBackend backend(memory, DisplayMode { 24, 16, 24 * 4, PixelFormat::Xrgb8888 });
    TRY(backend.allocate());
    display::Server server(backend);
    u32 changes = 0;
    usize at = 0;
    while (at + 2 <= s_input.size()) {
        u8 control = s_input[at];
        usize length = s_input[at + 1];
        at += 2;
        if (length > s_input.size() - at)
            length = s_input.size() - at;
        auto request = s_input.subspan(at, length);
        at += length;
        usize index = control & 3;
        if ((control & 0x80) && changes < 8) {
            TRY(backend.serve_event(test::resize_bit.mask()));
            server.mode_changed();
            ++changes;
        }
        auto holder_before = server.holder();
        u64 presents_before = backend.presents();
        display::Session session(server, index);
        u8 reply[protocol::payload_capacity<display::Protocol>];
        protocol::MessageCapabilities capabilities;
        usize replied = protocol::dispatch<display::Protocol>(session, request, reply, capabilities);
        VERIFY(replied >= protocol::envelope_size && replied <= sizeof(reply));
        auto envelope = MUST(protocol::read_envelope(std::span<u8 const>(reply, replied)));
        if (envelope.status == protocol::status_success)
            VERIFY(server.holder() == index && (!holder_before || *holder_before == index));
        else
            VERIFY(backend.presents() == presents_before);
        if (holder_before)
            VERIFY(server.holder() == holder_before);
        VERIFY(server.statistics().generation == 1 + changes);
        VERIFY(backend.presents() == server.statistics().presents);
        if (control & 0x40) {
            server.closed(index);
            VERIFY(server.holder() != index);
        }
    }
    return 0;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    static FixedBackend fixed;
    static display::Server server(fixed);
    if (size == 0)
        return 0;
    u64 presents_before = fixed.presents;
    display::Session session(server, data[0] & 1);
    auto outcome = test::fuzz_dispatch<display::Protocol>(session, std::span<u8 const>(data + 1, size - 1));
    if (outcome.refused)
        VERIFY(fixed.presents == presents_before);
    VERIFY(server.statistics().generation == 1);

    s_input = { data, size };
    test::run_fuzz_task(sequence_task);
    return 0;
}
