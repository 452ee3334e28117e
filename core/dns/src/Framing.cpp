/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <cstring>
#include <vectra/Try.h>
#include <vectra/dns/Framing.h>

namespace vectra::dns {

ErrorOr<usize> frame_query(Query const& query, std::span<u8> into)
{
    if (into.size() < length_prefix_bytes)
        return Error(ErrorCode::InvalidArgument, "no room for the length");
    usize length = TRY(build_query(query, into.subspan(length_prefix_bytes)));
    into[0] = u8(length >> 8);
    into[1] = u8(length);
    return length_prefix_bytes + length;
}

ErrorOr<StreamFrames> StreamFrames::create(std::span<u8> storage)
{
    if (storage.size() < largest_frame_bytes)
        return Error(ErrorCode::InvalidArgument, "a stream's frames need room for the largest message and its length");
    return StreamFrames(storage);
}

std::span<u8> StreamFrames::space()
{
    if (m_start > 0) {
        std::memmove(m_storage.data(), m_storage.data() + m_start, m_end - m_start);
        m_end -= m_start;
        m_start = 0;
    }
    return m_storage.subspan(m_end);
}

void StreamFrames::received(usize count)
{
    usize room = m_storage.size() - m_end;
    m_end += count < room ? count : room;
}

ErrorOr<std::optional<std::span<u8 const>>> StreamFrames::next()
{
    if (m_broken)
        return Error(DnsError::Malformed, "the stream's framing was lost earlier");
    if (pending() < length_prefix_bytes)
        return std::optional<std::span<u8 const>> {};
    usize length = usize(m_storage[m_start]) << 8 | m_storage[m_start + 1];
    if (length < header_bytes) {
        m_broken = true;
        return Error(DnsError::Malformed, "a length shorter than a DNS header");
    }
    if (pending() < length_prefix_bytes + length)
        return std::optional<std::span<u8 const>> {};
    std::span<u8 const> message(m_storage.data() + m_start + length_prefix_bytes, length);
    m_start += length_prefix_bytes + length;
    return std::optional<std::span<u8 const>>(message);
}

void StreamFrames::reset()
{
    m_start = 0;
    m_end = 0;
    m_broken = false;
}

}
