/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The self-test's handshakes. Every BoringSSL object is owned by a bssl::UniquePtr, so each
 * path out (a refusal, memory running out) frees what was made; errors carry BoringSSL's own
 * reason string (static text).
 */

#include "Scenario.h"
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <vectra/Try.h>

namespace vectra::tls_selftest {

namespace {

Error failure(ErrorCode code, char const* fallback)
{
    uint32_t first = ERR_peek_error();
    char const* reason = first != 0 ? ERR_reason_error_string(first) : nullptr;
    /* A failed allocation anywhere in the queue is reported as what it is, whichever call met it. */
    bool out_of_memory = false;
    for (uint32_t packed; (packed = ERR_get_error()) != 0;)
        out_of_memory = out_of_memory || ERR_GET_REASON(packed) == ERR_R_MALLOC_FAILURE;
    if (out_of_memory)
        return Error(ErrorCode::OutOfMemory, "BoringSSL ran out of the memory the Task gave it");
    return Error(code, reason != nullptr ? reason : fallback);
}

template<typename T>
ErrorOr<bssl::UniquePtr<T>> made(T* object, char const* what)
{
    if (object == nullptr)
        return failure(ErrorCode::OutOfMemory, what);
    return bssl::UniquePtr<T>(object);
}

ErrorOr<bssl::UniquePtr<BIO>> pem(std::string_view text)
{
    return made(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), "BIO_new_mem_buf failed");
}

ErrorOr<bssl::UniquePtr<X509>> certificate(std::string_view text)
{
    auto file = TRY(pem(text));
    return made(PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr), "PEM_read_bio_X509 failed");
}

ErrorOr<bssl::UniquePtr<SSL_CTX>> server_context(Identity const& identity)
{
    auto context = TRY(made(SSL_CTX_new(TLS_method()), "SSL_CTX_new failed"));
    auto file = TRY(pem(identity.key));
    auto key = TRY(made(PEM_read_bio_PrivateKey(file.get(), nullptr, nullptr, nullptr), "reading the key failed"));
    auto own = TRY(certificate(identity.certificate));
    if (!SSL_CTX_set_min_proto_version(context.get(), TLS1_3_VERSION)
        || !SSL_CTX_set_max_proto_version(context.get(), TLS1_3_VERSION)
        || !SSL_CTX_use_certificate(context.get(), own.get()) || !SSL_CTX_use_PrivateKey(context.get(), key.get())
        || !SSL_CTX_check_private_key(context.get()))
        return failure(ErrorCode::InvalidArgument, "the server's certificate or key was refused");
    return context;
}

ErrorOr<bssl::UniquePtr<SSL_CTX>> client_context(Certificates const& certificates, i64 now)
{
    auto context = TRY(made(SSL_CTX_new(TLS_method()), "SSL_CTX_new failed"));
    auto ca = TRY(certificate(certificates.ca));
    if (!SSL_CTX_set_min_proto_version(context.get(), TLS1_3_VERSION)
        || !X509_STORE_add_cert(SSL_CTX_get_cert_store(context.get()), ca.get()))
        return failure(ErrorCode::OutOfMemory, "trusting the CA failed");
    /* The image has no ambient calendar (core/libc's time() refuses): validity is checked at the
     * time the Task passes. */
    X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(context.get()), static_cast<time_t>(now));
    SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
    return context;
}

struct Pair {
    bssl::UniquePtr<SSL> client;
    bssl::UniquePtr<SSL> server;
};

enum class Outcome { Done, ClientFailed, ServerFailed };

ErrorOr<Pair> connect(SSL_CTX* client_context, SSL_CTX* server_context)
{
    Pair pair { TRY(made(SSL_new(client_context), "SSL_new failed")), TRY(made(SSL_new(server_context), "SSL_new failed")) };
    BIO* client_end = nullptr;
    BIO* server_end = nullptr;
    if (!BIO_new_bio_pair(&client_end, 16 * 1024, &server_end, 16 * 1024))
        return failure(ErrorCode::OutOfMemory, "BIO_new_bio_pair failed");
    SSL_set_bio(pair.client.get(), client_end, client_end);
    SSL_set_bio(pair.server.get(), server_end, server_end);
    SSL_set_connect_state(pair.client.get());
    SSL_set_accept_state(pair.server.get());
    if (!SSL_set_tlsext_host_name(pair.client.get(), host_name) || !SSL_set1_host(pair.client.get(), host_name))
        return failure(ErrorCode::OutOfMemory, "setting the server name failed");
    return pair;
}

/* Steps both ends until both finished or one failed; a step that asks for more bytes waits. */
Outcome handshake(Pair& pair)
{
    bool client_done = false;
    bool server_done = false;
    for (int round = 0; round < 32 && !(client_done && server_done); ++round) {
        if (!client_done) {
            int result = SSL_do_handshake(pair.client.get());
            if (result == 1)
                client_done = true;
            else if (SSL_get_error(pair.client.get(), result) != SSL_ERROR_WANT_READ)
                return Outcome::ClientFailed;
        }
        if (!server_done) {
            int result = SSL_do_handshake(pair.server.get());
            if (result == 1)
                server_done = true;
            else if (SSL_get_error(pair.server.get(), result) != SSL_ERROR_WANT_READ)
                return Outcome::ServerFailed;
        }
    }
    return client_done && server_done ? Outcome::Done : Outcome::ClientFailed;
}

u8 pattern_byte(usize index, u8 seed) { return static_cast<u8>(index * 31 + seed + (index >> 8)); }

/* `bytes` of a pattern from one end, read and compared at the other, in pieces the pipe holds. */
ErrorOr<void> transfer(SSL* from, SSL* to, usize bytes, u8 seed)
{
    static u8 buffer[8192];
    usize sent = 0;
    usize received = 0;
    for (int round = 0; round < 10000 && received < bytes; ++round) {
        if (sent < bytes) {
            usize piece = bytes - sent < 4096 ? bytes - sent : 4096;
            for (usize index = 0; index < piece; ++index)
                buffer[index] = pattern_byte(sent + index, seed);
            int written = SSL_write(from, buffer, static_cast<int>(piece));
            if (written > 0)
                sent += static_cast<usize>(written);
            else if (SSL_get_error(from, written) != SSL_ERROR_WANT_WRITE)
                return failure(ErrorCode::PeerClosed, "SSL_write failed");
        }
        int read = SSL_read(to, buffer, sizeof(buffer));
        if (read > 0) {
            for (usize index = 0; index < static_cast<usize>(read); ++index) {
                if (buffer[index] != pattern_byte(received + index, seed))
                    return Error(ErrorCode::MalformedMessage, "the bytes read differ from the bytes written");
            }
            received += static_cast<usize>(read);
        } else if (SSL_get_error(to, read) != SSL_ERROR_WANT_READ) {
            return failure(ErrorCode::PeerClosed, "SSL_read failed");
        }
    }
    if (received != bytes)
        return Error(ErrorCode::TimedOut, "the transfer did not finish");
    return {};
}

}

ErrorOr<Session> handshake_and_transfer(Certificates const& certificates, Identity const& server, i64 now, usize bytes)
{
    auto server_side = TRY(server_context(server));
    auto client_side = TRY(client_context(certificates, now));
    auto pair = TRY(connect(client_side.get(), server_side.get()));
    if (handshake(pair) != Outcome::Done) {
        /* The verifier reports its own allocation failures as a verification result. */
        long verified = SSL_get_verify_result(pair.client.get());
        if (verified == X509_V_ERR_OUT_OF_MEM) {
            ERR_clear_error();
            return Error(ErrorCode::OutOfMemory, "BoringSSL ran out of the memory the Task gave it");
        }
        auto error = failure(ErrorCode::InvalidArgument, "the handshake failed");
        if (error.code() == ErrorCode::InvalidArgument && verified != X509_V_OK)
            return Error(ErrorCode::InvalidArgument, X509_verify_cert_error_string(verified));
        return error;
    }
    if (SSL_version(pair.client.get()) != TLS1_3_VERSION || SSL_get_verify_result(pair.client.get()) != X509_V_OK)
        return Error(ErrorCode::InvalidArgument, "the handshake completed without TLS 1.3 or without verification");
    TRY(transfer(pair.client.get(), pair.server.get(), bytes, 1));
    TRY(transfer(pair.server.get(), pair.client.get(), bytes, 2));
    SSL_CIPHER const* cipher = SSL_get_current_cipher(pair.client.get());
    char const* group = SSL_get_curve_name(SSL_get_curve_id(pair.client.get()));
    return Session { cipher != nullptr ? SSL_CIPHER_standard_name(cipher) : "none", group != nullptr ? group : "none",
        bytes };
}

ErrorOr<Refusal> refused_handshake(Certificates const& certificates, Identity const& server, i64 now)
{
    auto server_side = TRY(server_context(server));
    auto client_side = TRY(client_context(certificates, now));
    auto pair = TRY(connect(client_side.get(), server_side.get()));
    Outcome outcome = handshake(pair);
    long result = SSL_get_verify_result(pair.client.get());
    ERR_clear_error();
    if (outcome == Outcome::Done)
        return Error(ErrorCode::InvalidArgument, "the client accepted a certificate it must refuse");
    if (result == X509_V_ERR_OUT_OF_MEM)
        return Error(ErrorCode::OutOfMemory, "BoringSSL ran out of the memory the Task gave it");
    if (outcome != Outcome::ClientFailed || result == X509_V_OK)
        return Error(ErrorCode::InvalidArgument, "the handshake failed, but not in the client's verifier");
    return Refusal { result, X509_verify_cert_error_string(result) };
}

}
