/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tlsd as a Task for the tests that need TLS (services.tlsd, services.dnsd_tls): BoringSSL given
 * its memory and randomness, trust and identity read from the certificates
 * components/tls-selftest/make-certificates.sh made in the build folder, and a client's session
 * with tlsd opened from its Bundle.
 */

#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include <openssl/bio.h>
#include <tlsd/Server.h>
#include "../components/BoringSslSupport.h"
#include <vectra/Entropy.h>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/tls/Runtime.h>
#include <vectra/tlsstream/Protocol.h>
#include <vectra/tlsstream/Transfer.h>

namespace vectra::test {

/* A file the certificate script made: "ca.pem", "server.key", "made-at", … (or a file named by its absolute path). */
inline std::string read_certificate_file(char const* name)
{
    std::ifstream file(name[0] == '/' ? std::string(name) : std::string(VECTRA_TEST_TLS_CERTIFICATES) + "/" + name, std::ios::binary);
    REQUIRE(file);
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

/* What the next tlsd serves as its identity: a certificate file's stem ("server", "stranger", "expired"), or none (empty). */
inline std::string& tlsd_identity()
{
    static std::string identity = "server";
    return identity;
}

/* What the next tlsd trusts: the certificate files concatenated (ca.pem alone unless a test says otherwise). */
inline std::vector<std::string>& tlsd_trust_files()
{
    static std::vector<std::string> files { "ca.pem" };
    return files;
}

inline std::string trust_bundle()
{
    std::string trust;
    for (auto const& name : tlsd_trust_files())
        trust += read_certificate_file(name.c_str());
    return trust;
}

/* The result of a check: 0, or the number of the first rule it saw broken. */
inline void require_checked(ErrorOr<i32> const& result)
{
    INFO((result.is_error() ? result.error().name() : "ok"));
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}

/* BoringSSL installed, and tlsd's contexts trusting trust_bundle() and serving "server" (the strings outlive them: static). */
inline ErrorOr<tlsd::Contexts> server_contexts()
{
    install_boringssl();
    static std::string trust;
    static std::string identity;
    trust = trust_bundle();
    identity = read_certificate_file("server.pem") + read_certificate_file("server.key");
    return tlsd::Contexts::create(trust, identity, std::stoll(read_certificate_file("made-at")));
}

/* What a test's network hands tlsd from its end of a BIO pair: the peer's bytes, or "nothing now" as netd says it. */
inline ErrorOr<net::Incoming> receive_from_pair(BIO* wire, std::span<u8> buffer)
{
    int read = BIO_read(wire, buffer.data(), int(buffer.size()));
    if (read <= 0)
        return Error(net::SocketError::WouldBlock, "nothing now");
    net::Incoming incoming;
    incoming.length = usize(read);
    return incoming;
}

/* What a test's network takes of tlsd's send into its end of a BIO pair: at most `room` and what the pair holds (0: refused for room). */
inline ErrorOr<usize> send_into_pair(BIO* wire, std::span<u8 const> bytes, usize room = ~usize(0))
{
    usize taken = std::min({ bytes.size(), room, usize(BIO_ctrl_get_write_guarantee(wire)) });
    if (taken == 0)
        return Error(net::SocketError::WouldBlock, "no room");
    REQUIRE(BIO_write(wire, bytes.data(), int(taken)) == int(taken));
    return taken;
}

/* tlsd trusting tlsd_trust_files(), serving tlsd_identity(), checking certificates at made-at. */
inline ErrorOr<i32> tlsd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto netd_requests = TRY(bundle.take<RingCap>("netd_requests"));
    auto netd_replies = TRY(bundle.take<RingCap>("netd_replies"));
    install_boringssl();
    static std::string trust;
    static std::string identity;
    trust = trust_bundle();
    auto const& stem = tlsd_identity();
    identity = stem.empty() ? std::string()
                            : read_certificate_file((stem + ".pem").c_str()) + read_certificate_file((stem + ".key").c_str());
    i64 now = std::stoll(read_certificate_file("made-at"));
    auto contexts = TRY(tlsd::Contexts::create(trust, identity, now));
    TRY(tlsd::run(memory, std::move(netd_requests), std::move(netd_replies), std::move(requests), std::move(replies),
        contexts, nullptr));
    return 0;
}

/* A client's session with tlsd over the listener its Bundle holds ("memory", "requests", "replies"); `kept`: the memory Reticle, for buffers to lend. */
inline ErrorOr<tls_stream::Session> open_tls(Bundle& bundle, ReticleCap* kept = nullptr)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    if (kept)
        *kept = TRY(system::attenuate(memory, RightRetype));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<tls_stream::Protocol>()));
    return tls_stream::Session::open(std::move(requests), std::move(replies), std::move(pool));
}

}
