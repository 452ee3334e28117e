/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a vectra.tls request, answered by dispatch with tlsd's own session
 * handlers (tlsd::Session inside a tlsd::Server holding a real identity: the test certificates'
 * server certificate and key, BoringSSL's contexts) over a network of the target's own that takes
 * connections and listeners but moves no bytes. After each request the session's connections are
 * pumped. Beyond the dispatch checks (DispatchFuzzer.h): no reply ever holds 8 bytes in a row of
 * the identity's private scalar, nor 16 characters in a row of the key's PEM body (compared as
 * hashes, so the fuzzer's comparison tracing cannot learn them), and the session
 * never holds more streams than its limit.
 */

#include "DispatchFuzzer.h"
#include <fstream>
#include <iterator>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string>
#include <tlsd/Server.h>
#include <vector>
#include <vectra/Entropy.h>
#include <vectra/tls/Runtime.h>

using namespace vectra;

namespace {

std::string read_file(char const* name)
{
    std::ifstream file(std::string(VECTRA_TEST_TLS_CERTIFICATES) + "/" + name, std::ios::binary);
    VERIFY(file);
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

/* Connections and listeners that exist and never move a byte; accept never has one. */
class StillNetwork final : public tlsd::Network {
public:
    ErrorOr<net::Socket> start_connect(net::Address const& remote) override { return socket(remote); }
    ErrorOr<net::Socket> listen(net::Address const& local, u16) override { return socket(local); }
    ErrorOr<net::Socket> try_accept(net::Socket const&) override
    {
        return Error(net::SocketError::WouldBlock, "no connection is waiting");
    }
    ErrorOr<usize> try_send(net::Socket const&, std::span<u8 const>) override
    {
        return Error(net::SocketError::WouldBlock, "the connection is being set up");
    }
    ErrorOr<net::Incoming> try_receive(net::Socket const&, std::span<u8>) override
    {
        return Error(net::SocketError::WouldBlock, "no bytes are waiting");
    }
    ErrorOr<void> shutdown_sending(net::Socket const&) override { return {}; }
    ErrorOr<void> close(net::Socket const&, bool) override { return {}; }

private:
    ErrorOr<net::Socket> socket(net::Address const& address)
    {
        net::Socket made;
        made.id = ++m_next;
        made.remote = address;
        return made;
    }
    u32 m_next { 0 };
};

struct Fixture {
    std::string trust;
    std::string identity;
    std::string key_text;
    std::vector<u8> scalar;
    StillNetwork network;
    std::optional<tlsd::Contexts> contexts;
    alignas(tlsd::Server) u8 storage[sizeof(tlsd::Server)];
    tlsd::Server* server { nullptr };

    Fixture()
    {
        static PlatformEntropy entropy;
        static auto generator = HighRng::create(entropy);
        VERIFY(!generator.is_error());
        tls::use_random(generator.value());
        alignas(16) static u8 memory[8 * 1024 * 1024];
        VERIFY(!tls::use_memory(memory).is_error());
        trust = read_file("ca.pem");
        key_text = read_file("server.key");
        identity = read_file("server.pem") + key_text;
        contexts.emplace(MUST(tlsd::Contexts::create(trust, identity, std::stoll(read_file("made-at")))));
        bssl::UniquePtr<BIO> file(BIO_new_mem_buf(key_text.data(), int(key_text.size())));
        bssl::UniquePtr<EVP_PKEY> key(PEM_read_bio_PrivateKey(file.get(), nullptr, nullptr, nullptr));
        VERIFY(key);
        BIGNUM const* secret = EC_KEY_get0_private_key(EVP_PKEY_get0_EC_KEY(key.get()));
        scalar.resize(BN_num_bytes(secret));
        BN_bn2bin(secret, scalar.data());
        server = new (storage) tlsd::Server(network, *contexts);
    }
};

/*
 * Windows of a secret as hashes (FNV-1a): the check compares hashes, so libFuzzer's comparison
 * tracing never hands the fuzzer the secret's bytes to echo back.
 */
u64 hash_of(u8 const* bytes, usize length)
{
    u64 hash = 0xcbf29ce484222325ull;
    for (usize index = 0; index < length; ++index)
        hash = (hash ^ bytes[index]) * 0x100000001b3ull;
    return hash;
}

struct Windows {
    usize width { 0 };
    std::vector<u64> hashes;

    Windows(std::span<u8 const> secret, usize window)
        : width(window)
    {
        for (usize start = 0; start + window <= secret.size(); ++start)
            hashes.push_back(hash_of(secret.data() + start, window));
    }

    bool found_in(std::span<u8 const> haystack) const
    {
        for (usize at = 0; at + width <= haystack.size(); ++at) {
            u64 hash = hash_of(haystack.data() + at, width);
            for (u64 secret : hashes) {
                if (hash == secret)
                    return true;
            }
        }
        return false;
    }
};

/* The key's base64 body: its PEM text without the public BEGIN/END lines and line breaks. */
std::vector<u8> pem_body(std::string const& text)
{
    std::vector<u8> body;
    usize at = 0;
    while (at < text.size()) {
        usize end = text.find('\n', at);
        if (end == std::string::npos)
            end = text.size();
        if (text.compare(at, 5, "-----") != 0)
            body.insert(body.end(), text.begin() + long(at), text.begin() + long(end));
        at = end + 1;
    }
    return body;
}

/* The session's handlers, with every reply checked for key material. */
struct Checked {
    tlsd::Session& session;
    Windows const& scalar;
    Windows const& key_text;

    template<typename Request>
        requires requires(tlsd::Session& handler, Request const& request) { handler.handle(request); }
    auto handle(Request const& request)
    {
        return checked(session.handle(request));
    }

    /* send-buffer: the fuzzer's requests carry no MemCap, so each is refused buffer-unusable (or earlier). */
    template<typename Request>
        requires requires(tlsd::Session& handler, Request const& request, protocol::MessageCapabilities& capabilities) {
            handler.handle(request, capabilities);
        }
    auto handle(Request const& request, protocol::MessageCapabilities& capabilities)
    {
        auto result = checked(session.handle(request, capabilities));
        VERIFY(result.is_error());
        return result;
    }

    template<typename Result>
    Result checked(Result result)
    {
        if (!result.is_error()) {
            u8 encoded[tls_stream::Protocol::slot_size];
            usize length = MUST(protocol::encode_message(encoded, 1, protocol::status_success, 0, result.value()));
            auto bytes = std::span<u8 const>(encoded, length);
            VERIFY(!scalar.found_in(bytes));
            VERIFY(!key_text.found_in(bytes));
        }
        return result;
    }
};

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    static Fixture fixture;
    auto& session = fixture.server->session(0);
    static Windows scalar(fixture.scalar, 8);
    static std::vector<u8> body = pem_body(fixture.key_text);
    static Windows key_text(body, 16);
    /* The check can fail: it finds the secrets in themselves. */
    VERIFY(scalar.found_in(fixture.scalar) && key_text.found_in(body));
    Checked checked { session, scalar, key_text };
    (void)test::fuzz_dispatch<tls_stream::Protocol>(checked, std::span<u8 const>(data, size));
    (void)session.take_wish();
    (void)session.accept_connections(0);
    (void)session.pump(0);
    VERIFY(session.stream_count() <= tlsd::maximum_streams);
    /* Streams stay across inputs up to the limit; then every one goes, as when a session ends. */
    if (session.stream_count() == tlsd::maximum_streams)
        session.clear();
    return 0;
}
