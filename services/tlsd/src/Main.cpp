/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tlsd's Task (docs/adr/0038-tlsd-and-the-tls-stream-protocol.md §3): its footprint checked,
 * BoringSSL's heap carved from its memory and its randomness the Task's High generator, its
 * contexts made from the read-only bytes the build made and the manifest granted — `identity` (a
 * PEM chain then its key), `trust` (PEM CA certificates) and `clock` (decimal Unix seconds: the
 * time peers' certificates are checked at, as the image has no calendar) — then every session of
 * vectra.tls served over its own netd session until its listener fails.
 */

#include <new>
#include <string_view>
#include <tlsd/Server.h>
#include <vectra/ClockAndEntropy.h>
#include <vectra/Entropy.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/tlsd.h>
#include <vectra/tls/Runtime.h>

VECTRA_TASK_ENTRY(tlsd);

namespace vectra::task_entries {

namespace {

/* BoringSSL's heap (CONFIG_TLSD_HEAP_KIB): 768 KiB fits one trusted CA and every connection's both ends on
   loopback with room (the host test's peak, x4); Debian's ca-certificates bundle needs about 940 KiB more. */
constexpr usize heap_bytes = usize(CONFIG_TLSD_HEAP_KIB) * KiB;

/* A read-only data slot's bytes as text: the memory object is whole pages, the file's end is the first NUL. */
ErrorOr<std::string_view> take_text(Bundle& bundle, std::string_view slot)
{
    auto memory = TRY(bundle.take<MemCap>(slot));
    auto bytes = TRY(system::map_memory_read_only(memory));
    std::string_view text(reinterpret_cast<char const*>(bytes.data()), bytes.size());
    text = text.substr(0, text.find('\0'));
    if (text.empty())
        return Error(ErrorCode::InvalidArgument, "a data slot of tlsd holds no text");
    return text;
}

ErrorOr<i64> seconds_of(std::string_view text)
{
    i64 seconds = 0;
    usize digits = 0;
    for (char character : text) {
        if (character == '\n' && digits > 0)
            break;
        if (character < '0' || character > '9' || digits == 18)
            return Error(ErrorCode::InvalidArgument, "tlsd's clock is not decimal Unix seconds");
        seconds = seconds * 10 + (character - '0');
        ++digits;
    }
    if (digits == 0)
        return Error(ErrorCode::InvalidArgument, "tlsd's clock is empty");
    return seconds;
}

/*
 * The High generator, once the platform's entropy pool holds enough: a driver may feed it after
 * boot (aarch64's virtio-rng starts beside tlsd), so an empty pool is asked again every 20 ms for
 * up to 30 s; any other refusal, or the pool still empty then, is tlsd's error.
 */
ErrorOr<HighRng> high_randomness(EntropySource& entropy)
{
    constexpr SignalBit pause_bit { 7 };
    u64 give_up = deadline_after(Duration::from_seconds(30));
    for (;;) {
        auto generator = HighRng::create(entropy);
        if (!generator.is_error() || !generator.error().is(ErrorCode::Empty) || endpoint::now_nanoseconds() >= give_up)
            return generator;
        (void)endpoint::wait_until(0, deadline_after(Duration::from_milliseconds(20)), pause_bit);
    }
}

usize certificates_in(std::string_view pem)
{
    usize count = 0;
    for (usize at = pem.find("-----BEGIN CERTIFICATE-----"); at != std::string_view::npos;
         at = pem.find("-----BEGIN CERTIFICATE-----", at + 1))
        ++count;
    return count;
}

}

ErrorOr<i32> tlsd(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::tlsd)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto netd_requests = TRY(bundle.take<RingCap>("netd_requests"));
    auto netd_replies = TRY(bundle.take<RingCap>("netd_replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto identity = TRY(take_text(bundle, "identity"));
    auto trust = TRY(take_text(bundle, "trust"));
    auto now = TRY(seconds_of(TRY(take_text(bundle, "clock"))));

    auto heap_object = TRY(system::create_memory(memory, heap_bytes));
    auto heap = TRY(system::map_memory(heap_object));
    TRY(tls::use_memory(heap));
    PlatformEntropy entropy; /* both live while tlsd serves: this function returns only when it stops */
    auto generator = TRY(high_randomness(entropy));
    tls::use_random(generator);

    auto contexts = TRY(tlsd::Contexts::create(trust, identity, now));
    TRY(print_line(console, "tlsd: serving up to {} sessions of {} streams; trusting {} CA certificates; identity of {} certificates; checking at {}",
        tlsd::maximum_sessions, tlsd::maximum_streams, contexts.trusted(), certificates_in(identity), now));
    TRY(tlsd::run(memory, std::move(netd_requests), std::move(netd_replies), std::move(requests), std::move(replies),
        contexts, &ready));
    return 0;
}

}
