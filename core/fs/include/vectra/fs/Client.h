/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/Path.h>
#include <vectra/Session.h>
#include <vectra/fs/Protocol.h>

namespace vectra::vfs {

/*
 * One page of a directory listing: as many entries as one reply carries (at most `capacity`).
 * While `more` is set, list again from `next` for the rest.
 */
struct Listing {
    static constexpr usize capacity = maximum_list_entries;
    Path::Component names[capacity];
    NodeKind kinds[capacity] {};
    usize count { 0 };
    bool more { false };
    u64 next { 0 }; /* vfsd's cursor: pass it back as is */
};

class Client;

/*
 * A file this session opened (an entry of its open-file table in vfsd), read and written at
 * offsets. close() gives the entry back; a session holds at most open_files_per_session.
 */
class File {
public:
    /*
     * One request: up to maximum_transfer bytes inline, or with a transfer buffer up to its size
     * through it (read-buffer); a larger buffer gets a short read.
     */
    [[nodiscard]] ErrorOr<usize> read_at(u64 offset, std::span<u8> buffer);
    /*
     * One read-buffer request of up to `length` bytes (at most the transfer buffer's size), read
     * into the session's transfer buffer and returned as a view of it, not copied out: the bytes
     * stay there until this client's next call (any file's). For a reader that hands them straight
     * on (the appliance sends them to netd). Without a transfer buffer: Unsupported.
     */
    [[nodiscard]] ErrorOr<std::span<u8 const>> read_view(u64 offset, usize length);
    /* One request, all of `data`: up to maximum_transfer bytes inline, more through the transfer buffer (TooLarge past it). */
    [[nodiscard]] ErrorOr<u64> write_at(u64 offset, std::span<u8 const> data);
    [[nodiscard]] ErrorOr<u64> size();
    /* Kind, size and last modification (with the time's confidence). */
    [[nodiscard]] ErrorOr<NodeStatus> stat();
    /* Returns once the file's bytes, size and name survive a power cut. */
    [[nodiscard]] ErrorOr<void> sync();
    /* Sets the file's size: bytes past it are dropped, a larger size reads as zeros up to it. */
    [[nodiscard]] ErrorOr<void> truncate(u64 size);
    [[nodiscard]] ErrorOr<void> close();
    [[nodiscard]] u32 number() const { return m_number; }

private:
    friend class Client;
    File(Client& client, u32 number)
        : m_client(&client)
        , m_number(number)
    {
    }
    Client* m_client;
    u32 m_number;
};

/*
 * The client of vectra.vfs, over a session of vfsd: opened through vfsd's listener with memory
 * the caller donates (its session's Rings), closed by close() or by the Task's end. Errors vfsd
 * reports come back typed: vfsd's own (error.is(VfsError::NotEmpty)), or kernel and L0 codes
 * (NotFound, TooLarge…). A call that gets no reply within 5 s is TimedOut; after vfsd restarted
 * the call in flight reports PeerClosed and the next one reaches the new instance.
 */
class Client {
public:
    [[nodiscard]] static ErrorOr<Client> open(RingCap listen_requests, RingCap listen_replies, ReticleCap memory,
        ConnectionBits bits = {});
    /*
     * As above, with a transfer buffer of `transfer_bytes` (rounded up to pages, at most
     * maximum_buffer_transfer): the session's pool (session::pool_size) and the buffer are both
     * made from `memory` (RightRetype; transfer_bytes_needed() in all), and File's reads and writes
     * over maximum_transfer bytes move through the buffer, lent to vfsd as a MemCap per call
     * (read-buffer, write-buffer: read-only for writes, writable for reads).
     */
    [[nodiscard]] static ErrorOr<Client> open(RingCap listen_requests, RingCap listen_replies, ReticleCap memory,
        usize transfer_bytes, ConnectionBits bits = {});
    /* The memory open() with a transfer buffer takes from its `memory`: the pool, the buffer and their descriptors. */
    [[nodiscard]] static constexpr usize transfer_memory_needed(usize transfer_bytes)
    {
        return session::pool_size<Protocol>() + (transfer_bytes + 4095) / 4096 * 4096 + 2 * 4096;
    }
    /* The transfer buffer's size (0: every transfer inline). */
    [[nodiscard]] usize transfer_size() const { return m_transfer_bytes.size(); }

    enum class Create : u8 {
        No,
        IfMissing,
    };
    /* Opens an existing file (NotFound, or IsADirectory); `create` makes an empty one if missing. */
    [[nodiscard]] ErrorOr<File> open(Path const&, Create = Create::No);

    [[nodiscard]] ErrorOr<void> create_directory(Path const&);
    /* One write carries at most maximum_transfer bytes (TooLarge otherwise). */
    [[nodiscard]] ErrorOr<u64> write(Path const&, u64 offset, std::span<u8 const> data);
    /* Reads up to buffer.size() bytes, and at most maximum_transfer: a larger ask gets a short read. */
    [[nodiscard]] ErrorOr<usize> read(Path const&, u64 offset, std::span<u8> buffer);
    /* One page from `cursor` (0: the start, else a previous page's `next`). */
    [[nodiscard]] ErrorOr<Listing> list(Path const&, u64 cursor = 0);
    [[nodiscard]] ErrorOr<NodeStatus> stat(Path const&);
    [[nodiscard]] ErrorOr<void> remove(Path const&);
    /* Atomic within a mount; the target must not exist (AlreadyExists); across mounts VfsError::CrossMount. */
    [[nodiscard]] ErrorOr<void> rename(Path const& from, Path const& to);
    /* Sets a file's size; returns it. */
    [[nodiscard]] ErrorOr<u64> truncate(Path const&, u64 size);
    /* Returns once every change to the mount owning `path` survives a power cut. */
    [[nodiscard]] ErrorOr<void> sync(Path const&);

    /* Ends the session. */
    void close() { m_session.close(); }

    /* Any message of the protocol, as declared (what the methods above wrap). */
    template<typename Request>
    [[nodiscard]] ErrorOr<protocol::ReplyOf<Protocol, Request>> call(Request const& request)
    {
        return m_session.call(request);
    }

    /* What vfsd answered raw bytes with: its status, and the error that status stands for (None: accepted). */
    struct RawAnswer {
        u16 status { 0 };
        [[nodiscard]] Error error() const
        {
            if (status == protocol::status_success)
                return Error(ErrorCode::None, "vfsd accepted the request");
            return protocol::error_of_status(status, domain);
        }
    };
    /* Sends raw bytes as a request: for protocol tests only. */
    [[nodiscard]] ErrorOr<RawAnswer> send_raw(std::span<u8 const> request);

    Client(Client&&) = default;
    /* Gives the transfer buffer and its memory back (the session ends with m_session). */
    ~Client();

private:
    friend class File;
    explicit Client(session::SessionClient<Protocol> session)
        : m_session(std::move(session))
    {
    }

    ReticleCap m_memory;      /* with a transfer buffer: what the pool and the buffer were made from */
    MemCap m_transfer;        /* empty: every transfer inline */
    std::span<u8> m_transfer_bytes;
    session::SessionClient<Protocol> m_session;
};

}
