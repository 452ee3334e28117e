/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The tls_selftest Task: BoringSSL inside an image. Its memory is a carve of the Task's Reticle,
 * its randomness the Task's High generator over the platform's entropy, the time it checks
 * certificates at the time they were made (the image has no calendar). Transcript in
 * components/tls-selftest/README.md, matched by images/tls-selftest/oracle.json.
 */

#include "Ciphers.h"
#include "Curves.h"
#include "Scenario.h"
#include <openssl/x509.h>
#include <vectra/ClockAndEntropy.h>
#include <vectra/Entropy.h>
#include <vectra/Format.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/tls/Acceleration.h>
#include <vectra/tls/Runtime.h>
#include <vectra/tls/Tables.h>

VECTRA_TASK_ENTRY(tls_selftest);

namespace vectra::task_entries {

namespace {

using namespace vectra::tls_selftest;

/* BoringSSL's heap: the handshake's peak is printed, so the margin is visible (README). */
constexpr usize heap_bytes = 256 * KiB;
constexpr usize transfer_bytes = 64 * KiB;
constexpr usize measured_kib = 256;
constexpr usize measured_rounds = 8;

#define STEP(console, name, expression)                                                                                \
    ({                                                                                                                 \
        auto _step = (expression);                                                                                     \
        if (_step.is_error()) {                                                                                        \
            TRY(print_line(console, "tls: {} FAILED: {} ({})", name, error_code_name(_step.error().code()),            \
                _step.error().message()));                                                                             \
            return 1;                                                                                                  \
        }                                                                                                              \
        _step.release_value();                                                                                         \
    })

/* "tls: BoringSSL assembly on x86_64: AES-NI yes, PCLMULQDQ yes, …" or "… without assembly". */
ErrorOr<void> print_acceleration(ConsoleCap const& console)
{
    auto const acceleration = tls::acceleration();
    if (acceleration.architecture == nullptr)
        return print_line(console, "tls: BoringSSL without assembly (generic C)");
    FixedString<160> features;
    for (auto const& feature : acceleration.used()) {
        if (!format_into(
                features, "{}{} {}", features.length() == 0 ? "" : ", ", feature.name, feature.present ? "yes" : "no"))
            return Error(ErrorCode::InvalidArgument, "the capability line does not fit");
    }
    return print_line(console, "tls: BoringSSL assembly on {}: {}", acceleration.architecture, features.view());
}

u64 now_nanoseconds() { return system::monotonic_nanoseconds(); }

ErrorOr<void> expect_refusal(Refusal const& refusal, long wanted)
{
    if (refusal.verify_result != wanted)
        return Error(ErrorCode::InvalidArgument, "refused, but for another reason than the one expected");
    return {};
}

}

ErrorOr<i32> tls_selftest(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));

    auto heap_object = STEP(console, "memory", system::create_memory(memory, heap_bytes));
    auto heap = STEP(console, "memory", system::map_memory(heap_object));
    STEP(console, "memory", tls::use_memory(heap));
    PlatformEntropy entropy;
    auto generator = STEP(console, "randomness", HighRng::create(entropy));
    tls::use_random(generator);
    TRY(print_line(console, "tls: {} KiB of the Task's memory for BoringSSL, randomness from the High generator",
        heap.size() / KiB));

    TRY(print_acceleration(console));
    STEP(console, "known answers", check_known_answers());
    TRY(print_line(
        console, "tls: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 and SHA-256 known answers ok, forged tags refused"));
    auto cost = STEP(console, "seal cost", measure_seal_cost(measured_kib, now_nanoseconds));
    TRY(print_line(console,
        "tls: sealing {} KiB in 16 KiB records: AES-128-GCM {} ns/KiB, AES-256-GCM {} ns/KiB, "
        "ChaCha20-Poly1305 {} ns/KiB",
        measured_kib, cost.aes_128_gcm, cost.aes_256_gcm, cost.chacha20_poly1305));
    STEP(console, "curve known answers", check_curve_known_answers());
    TRY(print_line(console, "tls: X25519 and ECDSA P-256 known answers ok, P-256 in {}, forged signature refused",
        tls::p256_implementation()));
    auto handshake_cost = STEP(console, "handshake cost", measure_handshake_cost(measured_rounds, now_nanoseconds));
    TRY(print_line(console, "tls: a server's share of a handshake: X25519 key pair and secret {} us, P-256 signature {} us",
        handshake_cost.x25519 / 1000, handshake_cost.p256_signature / 1000));

    auto const& certificates = built_certificates();
    u64 started = system::monotonic_nanoseconds();
    auto session = STEP(console, "handshake",
        handshake_and_transfer(certificates, certificates.server, certificates.made_at, transfer_bytes));
    u64 took = system::monotonic_nanoseconds() - started;
    TRY(print_line(console, "tls: TLS 1.3 handshake, {} over {}, chain and name {} verified ok", session.cipher,
        session.group, host_name));
    TRY(print_line(console, "tls: {} KiB each way, compared ok ({} ms with the handshake)", session.bytes_each_way / KiB,
        took / 1000000));

    auto expired = STEP(console, "expired", refused_handshake(certificates, certificates.expired, certificates.made_at));
    STEP(console, "expired", expect_refusal(expired, X509_V_ERR_CERT_HAS_EXPIRED));
    TRY(print_line(console, "tls: expired certificate -> refused: {} ok", expired.reason));
    auto stranger
        = STEP(console, "unknown CA", refused_handshake(certificates, certificates.stranger, certificates.made_at));
    STEP(console, "unknown CA", expect_refusal(stranger, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY));
    TRY(print_line(console, "tls: certificate from an unknown CA -> refused: {} ok", stranger.reason));

    auto use = tls::memory_use();
    TRY(print_line(console, "tls: memory peak {} KiB of {} KiB, {} KiB in use after, {} refused", use.peak / KiB,
        use.capacity / KiB, use.in_use / KiB, use.refusals));
    TRY(print_line(console, "tls: passed"));
    return 0;
}

}
