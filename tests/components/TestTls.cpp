/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * TLS 1.3 with the BoringSSL port (components/ports/boringssl) and its Task-side hooks
 * (components/tls), with the configuration images will use: a client and a server in one
 * process over an in-memory pair of byte pipes (a BIO pair, no sockets), with ECDSA P-256
 * certificates Debian's openssl made in the build folder (components/tls-selftest/make-certificates.sh).
 * The client trusts only the CA it was given and checks the name: a wrong name, an expired
 * certificate and a certificate from an unknown CA each end the handshake with the matching
 * verification error, and the same server completes the handshake when the client does not verify
 * (so each refusal is the verifier's, not a broken server's). One bit flipped in the server's first
 * flight (every 13th byte) ends the handshake.
 */

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "BoringSslSupport.h"
#include <vectra/Entropy.h>
#include <vectra/tls/Runtime.h>

using namespace vectra;

namespace {

constexpr char const* host_name = "tls.vectra.test";

/* The port has no file BIOs (OPENSSL_TRUSTY): PEM comes in through memory, as it will in a Task. */
bssl::UniquePtr<BIO> read_pem(char const* name)
{
    std::ifstream file(std::string(VECTRA_TEST_TLS_CERTIFICATES) + "/" + name, std::ios::binary);
    REQUIRE(file);
    static std::vector<std::string> s_kept;
    s_kept.emplace_back(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    bssl::UniquePtr<BIO> memory(BIO_new_mem_buf(s_kept.back().data(), static_cast<int>(s_kept.back().size())));
    REQUIRE(memory);
    return memory;
}

bssl::UniquePtr<X509> read_certificate(char const* name)
{
    auto file = read_pem(name);
    bssl::UniquePtr<X509> certificate(PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr));
    REQUIRE(certificate);
    return certificate;
}

bssl::UniquePtr<EVP_PKEY> read_key(char const* name)
{
    auto file = read_pem(name);
    bssl::UniquePtr<EVP_PKEY> key(PEM_read_bio_PrivateKey(file.get(), nullptr, nullptr, nullptr));
    REQUIRE(key);
    return key;
}

bssl::UniquePtr<SSL_CTX> server_context(char const* certificate, char const* key)
{
    bssl::UniquePtr<SSL_CTX> context(SSL_CTX_new(TLS_method()));
    REQUIRE(context);
    REQUIRE(SSL_CTX_set_min_proto_version(context.get(), TLS1_3_VERSION));
    REQUIRE(SSL_CTX_set_max_proto_version(context.get(), TLS1_3_VERSION));
    REQUIRE(SSL_CTX_use_certificate(context.get(), read_certificate(certificate).get()));
    REQUIRE(SSL_CTX_use_PrivateKey(context.get(), read_key(key).get()));
    REQUIRE(SSL_CTX_check_private_key(context.get()));
    return context;
}

enum class Verify { Peer, Nothing };

bssl::UniquePtr<SSL_CTX> client_context(Verify verify)
{
    bssl::UniquePtr<SSL_CTX> context(SSL_CTX_new(TLS_method()));
    REQUIRE(context);
    REQUIRE(SSL_CTX_set_min_proto_version(context.get(), TLS1_3_VERSION));
    REQUIRE(X509_STORE_add_cert(SSL_CTX_get_cert_store(context.get()), read_certificate("ca.pem").get()));
    SSL_CTX_set_verify(context.get(), verify == Verify::Peer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    return context;
}

struct Connection {
    bssl::UniquePtr<SSL> client;
    bssl::UniquePtr<SSL> server;
    bool client_done { false };
    bool server_done { false };
    int client_error { SSL_ERROR_NONE };
    int server_error { SSL_ERROR_NONE };
};

/* Steps both ends until each finished or one failed (a step that neither finished nor asked for
 * more bytes); the pipes hold 16 KiB each way. */
Connection handshake(SSL_CTX* client_context, SSL_CTX* server_context, char const* name)
{
    Connection connection;
    connection.client.reset(SSL_new(client_context));
    connection.server.reset(SSL_new(server_context));
    REQUIRE(connection.client);
    REQUIRE(connection.server);
    BIO* client_end = nullptr;
    BIO* server_end = nullptr;
    REQUIRE(BIO_new_bio_pair(&client_end, 16 * 1024, &server_end, 16 * 1024));
    SSL_set_bio(connection.client.get(), client_end, client_end);
    SSL_set_bio(connection.server.get(), server_end, server_end);
    SSL_set_connect_state(connection.client.get());
    SSL_set_accept_state(connection.server.get());
    REQUIRE(SSL_set_tlsext_host_name(connection.client.get(), name));
    REQUIRE(SSL_set1_host(connection.client.get(), name));

    for (int round = 0; round < 32; ++round) {
        if (!connection.client_done && connection.client_error == SSL_ERROR_NONE) {
            int result = SSL_do_handshake(connection.client.get());
            if (result == 1)
                connection.client_done = true;
            else if (int error = SSL_get_error(connection.client.get(), result); error != SSL_ERROR_WANT_READ)
                connection.client_error = error;
        }
        if (!connection.server_done && connection.server_error == SSL_ERROR_NONE) {
            int result = SSL_do_handshake(connection.server.get());
            if (result == 1)
                connection.server_done = true;
            else if (int error = SSL_get_error(connection.server.get(), result); error != SSL_ERROR_WANT_READ)
                connection.server_error = error;
        }
        if (connection.client_error != SSL_ERROR_NONE || (connection.client_done && connection.server_done))
            break;
    }
    ERR_clear_error();
    return connection;
}

/* Sends `bytes` from one end and reads them at the other, in pieces the pipe holds. */
std::vector<u8> transfer(SSL* from, SSL* to, std::vector<u8> const& bytes)
{
    std::vector<u8> received;
    usize sent = 0;
    for (int round = 0; round < 10000 && received.size() < bytes.size(); ++round) {
        if (sent < bytes.size()) {
            int written = SSL_write(from, bytes.data() + sent, static_cast<int>(std::min<usize>(bytes.size() - sent, 4096)));
            if (written > 0)
                sent += static_cast<usize>(written);
            else
                REQUIRE(SSL_get_error(from, written) == SSL_ERROR_WANT_WRITE);
        }
        u8 buffer[8192];
        int read = SSL_read(to, buffer, sizeof(buffer));
        if (read > 0)
            received.insert(received.end(), buffer, buffer + read);
        else
            REQUIRE(SSL_get_error(to, read) == SSL_ERROR_WANT_READ);
    }
    return received;
}

std::vector<u8> pattern(usize size, u8 seed)
{
    std::vector<u8> bytes(size);
    for (usize index = 0; index < size; ++index)
        bytes[index] = static_cast<u8>(index * 31 + seed + (index >> 8));
    return bytes;
}

}

TEST_CASE("tls: a TLS 1.3 handshake with a verified P-256 chain, then bytes both ways", "[tls]")
{
    install_boringssl();
    auto server = server_context("server.pem", "server.key");
    auto client = client_context(Verify::Peer);
    auto connection = handshake(client.get(), server.get(), host_name);
    REQUIRE(connection.client_error == SSL_ERROR_NONE);
    REQUIRE(connection.server_error == SSL_ERROR_NONE);
    REQUIRE(connection.client_done);
    REQUIRE(connection.server_done);

    CHECK(SSL_version(connection.client.get()) == TLS1_3_VERSION);
    CHECK(SSL_version(connection.server.get()) == TLS1_3_VERSION);
    CHECK(SSL_get_verify_result(connection.client.get()) == X509_V_OK);
    CHECK(SSL_get_peer_signature_algorithm(connection.client.get()) == SSL_SIGN_ECDSA_SECP256R1_SHA256);
    CHECK(std::string(SSL_get_servername(connection.server.get(), TLSEXT_NAMETYPE_host_name)) == host_name);
    bssl::UniquePtr<X509> peer(SSL_get_peer_certificate(connection.client.get()));
    REQUIRE(peer);
    CHECK(X509_cmp(peer.get(), read_certificate("server.pem").get()) == 0);

    auto request = pattern(100 * 1024 + 17, 1);
    CHECK(transfer(connection.client.get(), connection.server.get(), request) == request);
    auto reply = pattern(64 * 1024 + 3, 2);
    CHECK(transfer(connection.server.get(), connection.client.get(), reply) == reply);
}

TEST_CASE("tls: the client refuses a certificate for another name", "[tls]")
{
    install_boringssl();
    auto server = server_context("server.pem", "server.key");
    auto refused = handshake(client_context(Verify::Peer).get(), server.get(), "other.vectra.test");
    CHECK(!refused.client_done);
    CHECK(refused.client_error == SSL_ERROR_SSL);
    CHECK(SSL_get_verify_result(refused.client.get()) == X509_V_ERR_HOSTNAME_MISMATCH);

    auto unverified = handshake(client_context(Verify::Nothing).get(), server.get(), "other.vectra.test");
    CHECK(unverified.client_done);
    CHECK(unverified.server_done);
}

TEST_CASE("tls: the client refuses an expired certificate", "[tls]")
{
    install_boringssl();
    auto server = server_context("expired.pem", "expired.key");
    auto refused = handshake(client_context(Verify::Peer).get(), server.get(), host_name);
    CHECK(!refused.client_done);
    CHECK(refused.client_error == SSL_ERROR_SSL);
    CHECK(SSL_get_verify_result(refused.client.get()) == X509_V_ERR_CERT_HAS_EXPIRED);

    auto unverified = handshake(client_context(Verify::Nothing).get(), server.get(), host_name);
    CHECK(unverified.client_done);
    CHECK(unverified.server_done);
}

TEST_CASE("tls: the client refuses a certificate from a CA it was not given", "[tls]")
{
    install_boringssl();
    auto server = server_context("stranger.pem", "stranger.key");
    auto refused = handshake(client_context(Verify::Peer).get(), server.get(), host_name);
    CHECK(!refused.client_done);
    CHECK(refused.client_error == SSL_ERROR_SSL);
    CHECK(SSL_get_verify_result(refused.client.get()) == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);

    auto unverified = handshake(client_context(Verify::Nothing).get(), server.get(), host_name);
    CHECK(unverified.client_done);
    CHECK(unverified.server_done);
}

TEST_CASE("tls: a server whose key does not match its certificate is refused before any handshake", "[tls]")
{
    install_boringssl();
    bssl::UniquePtr<SSL_CTX> context(SSL_CTX_new(TLS_method()));
    REQUIRE(SSL_CTX_use_certificate(context.get(), read_certificate("server.pem").get()));
    CHECK(!SSL_CTX_use_PrivateKey(context.get(), read_key("stranger.key").get()));
    ERR_clear_error();
}

namespace {

/* Moves what one end wrote into the other end's read BIO, flipping bit 0 of byte `flip_at` of the
 * server's output (counted over everything the server sends) when asked. */
struct Shuttle {
    BIO* client_in;
    BIO* client_out;
    BIO* server_in;
    BIO* server_out;
    usize server_sent { 0 };
    usize flip_at { ~usize(0) };

    void move(BIO* from, BIO* to, bool from_server)
    {
        u8 buffer[4096];
        int size;
        while ((size = BIO_read(from, buffer, sizeof(buffer))) > 0) {
            if (from_server && flip_at >= server_sent && flip_at < server_sent + static_cast<usize>(size))
                buffer[flip_at - server_sent] ^= 1;
            if (from_server)
                server_sent += static_cast<usize>(size);
            REQUIRE(BIO_write(to, buffer, size) == size);
        }
    }
};

/* A handshake over memory BIOs the test moves bytes between; returns whether both ends finished.
 * `first_flight` is how many bytes the server had sent when the client finished. */
bool handshake_through(SSL_CTX* client_context, SSL_CTX* server_context, usize flip_at, int& client_error,
    usize& first_flight)
{
    bssl::UniquePtr<SSL> client(SSL_new(client_context));
    bssl::UniquePtr<SSL> server(SSL_new(server_context));
    Shuttle shuttle { BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()) };
    shuttle.flip_at = flip_at;
    SSL_set_bio(client.get(), shuttle.client_in, shuttle.client_out);
    SSL_set_bio(server.get(), shuttle.server_in, shuttle.server_out);
    SSL_set_connect_state(client.get());
    SSL_set_accept_state(server.get());
    REQUIRE(SSL_set1_host(client.get(), host_name));
    bool client_done = false;
    bool server_done = false;
    client_error = SSL_ERROR_NONE;
    for (int round = 0; round < 32 && client_error == SSL_ERROR_NONE && !(client_done && server_done); ++round) {
        if (!client_done) {
            int result = SSL_do_handshake(client.get());
            if (result == 1) {
                client_done = true;
                first_flight = shuttle.server_sent;
            } else if (int error = SSL_get_error(client.get(), result); error != SSL_ERROR_WANT_READ) {
                client_error = error;
            }
        }
        shuttle.move(shuttle.client_out, shuttle.server_in, false);
        if (!server_done) {
            int result = SSL_do_handshake(server.get());
            if (result == 1)
                server_done = true;
            else if (int error = SSL_get_error(server.get(), result); error != SSL_ERROR_WANT_READ)
                break;
        }
        shuttle.move(shuttle.server_out, shuttle.client_in, true);
    }
    ERR_clear_error();
    return client_done && server_done;
}

}

TEST_CASE("tls: one bit flipped anywhere in the server's flight ends the handshake", "[tls]")
{
    install_boringssl();
    auto server = server_context("server.pem", "server.key");
    auto client = client_context(Verify::Peer);
    int client_error = SSL_ERROR_NONE;
    usize flight = 0;
    REQUIRE(handshake_through(client.get(), server.get(), ~usize(0), client_error, flight));
    CHECK(flight > 500);
    /* The ServerHello (in clear), the encrypted extensions, certificate, its signature and the
     * Finished: every 13th byte of the flight and its last, each in a handshake of its own. */
    std::vector<usize> offsets;
    for (usize offset = 0; offset < flight; offset += 13)
        offsets.push_back(offset);
    offsets.push_back(flight - 1);
    /* The flight's length varies by a byte or two between handshakes (an ECDSA signature's DER
     * form is 70 to 72 bytes): a handshake that completes with the flip after the client finished
     * (in the server's session ticket) flipped nothing of the flight and is run again, with a fresh
     * signature. A handshake that completes with the flip inside the flight is a failure. */
    for (usize offset : offsets) {
        INFO("flipped byte " << offset << " of " << flight);
        bool completed = true;
        usize this_flight = 0;
        for (int attempt = 0; attempt < 64 && completed && this_flight <= offset; ++attempt)
            completed = handshake_through(client.get(), server.get(), offset, client_error, this_flight);
        CHECK(!completed);
        CHECK(client_error == SSL_ERROR_SSL);
    }
}
