/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.vfs v5's bulk transfers (ADR 0022 §5): read-buffer and write-buffer move up to 1 MiB of
 * an open file through the MemCap the request carries, straight between the backend and the
 * client's memory. vfsd's copy of that MemCap is removed on every path, after the backend's call
 * and before the reply (the dispatch encodes the reply once the handler returned).
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vfsd/Server.h>

namespace vectra::vfs {

namespace {

/* The copy a request carried, taken out of the dispatch's hands: removed when this goes out of scope. */
class CarriedCopy {
public:
    explicit CarriedCopy(protocol::MessageCapabilities& capabilities)
        : m_received(capabilities.received)
    {
        capabilities.received.reset();
    }
    ~CarriedCopy()
    {
        if (m_received)
            endpoint::discard(*m_received);
    }
    CarriedCopy(CarriedCopy const&) = delete;
    CarriedCopy& operator=(CarriedCopy const&) = delete;

    /*
     * `length` bytes at `buffer_offset` of the carried MemCap, writable when vfsd writes into them:
     * BufferUnusable when none came, another class, a right missing, a copy revoked or removed, a
     * handle vfsd's space does not hold, or a range outside the MemCap (wrapping included).
     */
    [[nodiscard]] ErrorOr<std::span<u8>> bytes(u64 buffer_offset, u32 length, bool writable) const
    {
        if (length > maximum_buffer_transfer)
            return Error(ErrorCode::TooLarge, "one read-buffer or write-buffer moves at most 1 MiB");
        auto lent = endpoint::lent_memory(m_received, writable);
        if (lent.is_error())
            return Error(VfsError::BufferUnusable, lent.error().message());
        usize size = lent.value().size;
        if (buffer_offset > size || length > size - buffer_offset)
            return Error(VfsError::BufferUnusable, "buffer-offset + length lies outside the MemCap");
        std::span<u8> mapped;
        if (writable) {
            mapped = TRY(system::map_memory(lent.value().memory));
        } else {
            /* write-buffer only reads the lent bytes; the span is writable in type only. */
            auto view = TRY(system::map_memory_read_only(lent.value().memory));
            mapped = std::span<u8>(const_cast<u8*>(view.data()), view.size());
        }
        return mapped.subspan(usize(buffer_offset), length);
    }

private:
    std::optional<ReceivedCapability> m_received;
};

}

ErrorOr<BufferRead> SessionHandler::handle(ReadBuffer const& request, protocol::MessageCapabilities& capabilities)
{
    CarriedCopy copy(capabilities);
    auto into = TRY(copy.bytes(request.buffer_offset, request.length, true));
    auto open = TRY(file(request.file));
    usize length = TRY(m_router->backend(open.mount).read(open.token, request.offset, into));
    if (length > into.size())
        return Error(VfsError::IoError, "the backend reported more bytes than it was asked for");
    return BufferRead { u32(length) };
}

ErrorOr<Written> SessionHandler::handle(WriteBuffer const& request, protocol::MessageCapabilities& capabilities)
{
    CarriedCopy copy(capabilities);
    auto from = TRY(copy.bytes(request.buffer_offset, request.length, false));
    auto open = TRY(file(request.file));
    return Written { TRY(TRY(writable(open.mount))->write(open.token, request.offset, from)) };
}

}
