/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <tlsd/Trust.h>
#include <vectra/Try.h>

namespace vectra::tlsd {

namespace {

ErrorOr<bssl::UniquePtr<BIO>> memory_of(std::string_view text)
{
    bssl::UniquePtr<BIO> file(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!file)
        return Error(ErrorCode::OutOfMemory, "BIO_new_mem_buf failed");
    return file;
}

ErrorOr<bssl::UniquePtr<SSL_CTX>> tls13_context()
{
    bssl::UniquePtr<SSL_CTX> context(SSL_CTX_new(TLS_method()));
    if (!context)
        return Error(ErrorCode::OutOfMemory, take_reason("SSL_CTX_new failed"));
    if (!SSL_CTX_set_min_proto_version(context.get(), TLS1_3_VERSION)
        || !SSL_CTX_set_max_proto_version(context.get(), TLS1_3_VERSION))
        return Error(ErrorCode::InvalidArgument, take_reason("TLS 1.3 only was refused"));
    SSL_CTX_set_mode(context.get(), SSL_MODE_ENABLE_PARTIAL_WRITE);
    return context;
}

/* Whether the last PEM read failed only because no further PEM block follows (the bundle's end). */
bool is_end_of_pem()
{
    uint32_t last = ERR_peek_last_error();
    return last == 0 || (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE);
}

ErrorOr<void> use_identity(SSL_CTX* context, std::string_view identity)
{
    auto file = TRY(memory_of(identity));
    bssl::UniquePtr<X509> leaf(PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr));
    if (!leaf || !SSL_CTX_use_certificate(context, leaf.get()))
        return Error(ErrorCode::InvalidArgument, take_reason("the identity holds no certificate"));
    /* Further certificates before the key are the chain's intermediates. */
    for (;;) {
        bssl::UniquePtr<X509> intermediate(PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr));
        if (!intermediate)
            break;
        if (!SSL_CTX_add1_chain_cert(context, intermediate.get()))
            return Error(ErrorCode::OutOfMemory, take_reason("adding an intermediate failed"));
    }
    ERR_clear_error();
    auto key_file = TRY(memory_of(identity));
    bssl::UniquePtr<EVP_PKEY> key(PEM_read_bio_PrivateKey(key_file.get(), nullptr, nullptr, nullptr));
    if (!key || !SSL_CTX_use_PrivateKey(context, key.get()) || !SSL_CTX_check_private_key(context))
        return Error(ErrorCode::InvalidArgument, take_reason("the identity's key is missing or does not match its certificate"));
    return {};
}

}

char const* take_reason(char const* fallback)
{
    uint32_t first = ERR_peek_error();
    char const* reason = first != 0 ? ERR_reason_error_string(first) : nullptr;
    ERR_clear_error();
    return reason != nullptr ? reason : fallback;
}

ErrorOr<Contexts> Contexts::create(std::string_view trust, std::string_view identity, i64 now_seconds)
{
    Contexts contexts;
    contexts.m_client = TRY(tls13_context());
    auto file = TRY(memory_of(trust));
    X509_STORE* store = SSL_CTX_get_cert_store(contexts.m_client.get());
    for (;;) {
        bssl::UniquePtr<X509> certificate(PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr));
        if (!certificate) {
            /* The end of the bundle reads as "no start line"; anything else is a certificate that did not parse. */
            if (!is_end_of_pem())
                return Error(ErrorCode::InvalidArgument, take_reason("a certificate of the trust bundle is malformed"));
            break;
        }
        if (!X509_STORE_add_cert(store, certificate.get()))
            return Error(ErrorCode::OutOfMemory, take_reason("trusting a certificate failed"));
        ++contexts.m_trusted;
    }
    ERR_clear_error();
    if (contexts.m_trusted == 0)
        return Error(ErrorCode::InvalidArgument, "the trust bundle holds no certificate");
    X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(contexts.m_client.get()), static_cast<time_t>(now_seconds));
    SSL_CTX_set_verify(contexts.m_client.get(), SSL_VERIFY_PEER, nullptr);
    if (!identity.empty()) {
        contexts.m_server = TRY(tls13_context());
        TRY(use_identity(contexts.m_server.get(), identity));
    }
    return contexts;
}

}
