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
#include <vectra/fs/Protocol.h>

namespace vectra::vfs {

struct Status {
    NodeKind kind { NodeKind::File };
    u64 size { 0 };
};

/*
 * One page of a directory listing: as many entries as one reply carries (at most `capacity`).
 * While `more` is set, list again from `next` for the rest.
 */
struct Listing {
    static constexpr usize capacity = 16;
    Path::Component names[capacity];
    NodeKind kinds[capacity] {};
    usize count { 0 };
    bool more { false };
    u32 next { 0 };
};

class Client;

/*
 * An open file: a path that named a file when it was opened, read and written at offsets
 * through the client. Errors vfsd reports (not-found after a removal, too-large, …) come back
 * typed, as ErrorCode values.
 */
class File {
public:
    [[nodiscard]] Path const& path() const { return m_path; }
    [[nodiscard]] ErrorOr<usize> read_at(u64 offset, std::span<u8> buffer);
    [[nodiscard]] ErrorOr<u64> write_at(u64 offset, std::span<u8 const> data);
    [[nodiscard]] ErrorOr<u64> size();

private:
    friend class Client;
    File(Client& client, Path path)
        : m_client(&client)
        , m_path(path)
    {
    }
    Client* m_client;
    Path m_path;
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

    /* Binds the two Rings; the Client keeps the capabilities to bind again after vfsd restarts. */
    [[nodiscard]] static ErrorOr<Client> bind(RingCap requests, RingCap replies);

    /* How long a call waits for vfsd's reply before giving up with TimedOut. */
    static constexpr u64 reply_timeout_nanoseconds = 5'000'000'000;
    static constexpr SignalBit timeout_bit { 2 };

    /* Opens an existing file (NotFound, or IsADirectory); `create` makes an empty one if missing. */
    enum class Create : u8 {
        No,
        IfMissing,
    };
    [[nodiscard]] ErrorOr<File> open(Path const&, Create = Create::No);

    [[nodiscard]] ErrorOr<void> create_directory(Path const&);
    /* One write carries what fits one request slot (TooLarge otherwise). */
    [[nodiscard]] ErrorOr<u64> write(Path const&, u64 offset, std::span<u8 const> data);
    /* Reads up to buffer.size() bytes; one reply carries at most maximum_read_length, so a larger ask gets a short read. */
    [[nodiscard]] ErrorOr<usize> read(Path const&, u64 offset, std::span<u8> buffer);
    /* Lists entries from index `first`; see Listing for continuing. */
    [[nodiscard]] ErrorOr<Listing> list(Path const&, u32 first = 0);
    [[nodiscard]] ErrorOr<Status> stat(Path const&);
    [[nodiscard]] ErrorOr<void> remove(Path const&);

    /* Sends raw bytes as a request and returns vfsd's error code: for protocol tests only. */
    [[nodiscard]] ErrorOr<ErrorCode> send_raw(std::span<u8 const> request);

    Client(Client&&) = default;

private:
    Client(RingCap requests, RingCap replies, RingSender sender, RingReceiver receiver)
        : m_requests(std::move(requests))
        , m_replies(std::move(replies))
        , m_sender(sender)
        , m_receiver(receiver)
    {
    }

    /* After PeerRestarted: bind both ends again to the Rings' new epoch. */
    [[nodiscard]] ErrorOr<void> rebind();
    /* Sends and waits for the reply; transact() adds re-binding after PeerRestarted. */
    [[nodiscard]] ErrorOr<ByteReader> transact_once(std::span<u8 const> request, u32 request_id);

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

    RingCap m_requests;
    RingCap m_replies;
    RingSender m_sender;
    RingReceiver m_receiver;
    u32 m_next_request_id { 1 };
    u8 m_reply[message_capacity] {};
};

}
