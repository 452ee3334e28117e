/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a DNS-over-TCP/TLS stream (core/dns Framing.h), fed to
 * StreamFrames in pieces whose sizes come from the input's first byte. Every message handed out
 * is exactly as long as its length prefix says and at least a header, lies inside the storage
 * (ASan on an exact-size buffer), and equals the bytes at that place in the stream; the messages
 * and what is still pending account for every byte fed until the framing was found broken, and a
 * broken stream hands out nothing more.
 */

#include <algorithm>
#include <cstring>
#include <vector>
#include <vectra/Panic.h>
#include <vectra/dns/Framing.h>

using namespace vectra;
using namespace vectra::dns;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size < 1)
        return 0;
    usize piece = usize(data[0]) * 37 + 1;
    std::span<u8 const> stream(data + 1, size - 1);
    std::vector<u8> storage(largest_frame_bytes);
    auto frames = MUST(StreamFrames::create(storage));
    usize fed = 0;
    usize consumed = 0; /* bytes of the stream handed out as messages, with their lengths */
    bool broken = false;
    while (fed < stream.size() && !broken) {
        auto space = frames.space();
        VERIFY(!space.empty());
        usize count = std::min({ piece, stream.size() - fed, space.size() });
        std::memcpy(space.data(), stream.data() + fed, count);
        frames.received(count);
        fed += count;
        for (;;) {
            auto next = frames.next();
            if (next.is_error()) {
                VERIFY(next.error().is(DnsError::Malformed));
                usize length = usize(stream[consumed]) << 8 | stream[consumed + 1];
                VERIFY(length < header_bytes);
                VERIFY(frames.next().is_error());
                broken = true;
                break;
            }
            if (!next.value())
                break;
            auto message = *next.value();
            usize length = usize(stream[consumed]) << 8 | stream[consumed + 1];
            VERIFY(message.size() == length && length >= header_bytes);
            VERIFY(std::equal(message.begin(), message.end(), stream.begin() + long(consumed + 2)));
            consumed += 2 + length;
        }
        if (!broken)
            VERIFY(consumed + frames.pending() == fed);
    }
    return 0;
}
