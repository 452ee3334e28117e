/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Bytes.h>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/Path.h>
#include <vectra/Ring.h>
#include <vfsd/Protocol.h>

namespace vectra::vfs {

struct Status {
    NodeKind kind { NodeKind::File };
    u64 size { 0 };
};

struct Listing {
    static constexpr usize capacity = 16;
    Path::Component names[capacity];
    NodeKind kinds[capacity] {};
    usize count { 0 };
    bool more { false };
};

/*
 * The client half of vfsd's Ring schema: binds the request (send) and reply (receive) Rings
 * once, then each call sends one request and waits on its own Signal Mask for the reply.
 * Errors vfsd reports come back as typed errors.
 */
class Client {
public:
    static constexpr SignalBit reply_bit { 0 };
    static constexpr SignalBit space_bit { 1 };

    [[nodiscard]] static ErrorOr<Client> bind(RingCap requests, RingCap replies);

    [[nodiscard]] ErrorOr<void> create_directory(Path const&);
    [[nodiscard]] ErrorOr<u64> write(Path const&, u64 offset, std::span<u8 const> data);
    [[nodiscard]] ErrorOr<usize> read(Path const&, u64 offset, std::span<u8> buffer);
    [[nodiscard]] ErrorOr<Listing> list(Path const&, u32 first = 0);
    [[nodiscard]] ErrorOr<Status> stat(Path const&);
    [[nodiscard]] ErrorOr<void> remove(Path const&);

    /* Sends raw bytes as a request and returns vfsd's error code: for protocol tests only. */
    [[nodiscard]] ErrorOr<ErrorCode> send_raw(std::span<u8 const> request);

private:
    Client(RingSender sender, RingReceiver receiver)
        : m_sender(sender)
        , m_receiver(receiver)
    {
    }

    struct Reply {
        u32 request_id;
        ErrorCode error;
        ByteReader body;
    };

    /* Sends `request`, waiting for space when the Ring is full. */
    [[nodiscard]] ErrorOr<void> send(std::span<u8 const> request);
    /* Waits for the next reply; its body is a reader over m_reply. */
    [[nodiscard]] ErrorOr<Reply> receive();
    /* Sends `request` and waits for the reply to `request_id`; vfsd's error becomes ours. */
    [[nodiscard]] ErrorOr<ByteReader> transact(std::span<u8 const> request, u32 request_id);

    RingSender m_sender;
    RingReceiver m_receiver;
    u32 m_next_request_id { 1 };
    u8 m_reply[ring_slot_size] {};
};

}
