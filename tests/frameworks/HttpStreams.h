/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Byte streams in memory for the HTTP tests: what the peer sends is queued in pieces (each
 * try_receive hands out at most one piece, so a test decides how bytes are split), what the
 * code under test sends is kept; a listener hands out queued streams. A stream can be told to
 * run a pump (the other side's server turn) when a blocking receive finds nothing.
 */

#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>
#include <vectra/http/Error.h>
#include <vectra/http/Stream.h>

namespace vectra::test::http {

using namespace vectra::http;

class MemoryStream final : public ByteStream {
public:
    void queue(std::string const& bytes) { m_pieces.push_back(bytes); }
    void end() { m_end = true; }
    [[nodiscard]] std::string const& sent() const { return m_sent; }
    [[nodiscard]] bool is_closed() const { return m_closed.has_value(); }
    [[nodiscard]] bool was_reset() const { return m_closed == Closing::Reset; }
    void refuse_sends() { m_refuse_sends = true; }
    void set_pump(std::function<void()> pump) { m_pump = std::move(pump); }
    std::string take_sent()
    {
        std::string bytes = std::move(m_sent);
        m_sent.clear();
        return bytes;
    }

    ErrorOr<Received> receive(std::span<u8> buffer, Duration) override
    {
        for (int round = 0; round < 10000 && m_pieces.empty() && !m_end; ++round) {
            if (!m_pump)
                break;
            m_pump();
        }
        if (m_pieces.empty() && !m_end)
            return Error(ErrorCode::TimedOut, "nothing arrived");
        return try_receive(buffer);
    }

    ErrorOr<Received> try_receive(std::span<u8> buffer) override
    {
        if (m_closed)
            return Error(ErrorCode::PeerClosed, "the stream is closed");
        if (m_pieces.empty())
            return Received { 0, m_end };
        auto& piece = m_pieces.front();
        usize count = piece.size() < buffer.size() ? piece.size() : buffer.size();
        for (usize index = 0; index < count; ++index)
            buffer[index] = u8(piece[index]);
        piece.erase(0, count);
        if (piece.empty())
            m_pieces.pop_front();
        return Received { count, m_pieces.empty() && m_end };
    }

    ErrorOr<void> send(std::span<u8 const> bytes, Duration) override
    {
        if (m_closed)
            return Error(ErrorCode::PeerClosed, "the stream is closed");
        if (m_refuse_sends)
            return Error(ErrorCode::TimedOut, "the peer takes nothing");
        m_sent.append(reinterpret_cast<char const*>(bytes.data()), bytes.size());
        if (m_peer)
            m_peer->queue(std::string(reinterpret_cast<char const*>(bytes.data()), bytes.size()));
        return {};
    }

    void close(Closing how) override
    {
        m_closed = how;
        if (m_peer)
            m_peer->end();
    }

    /* Everything sent here is queued on `peer` (and a close ends it). */
    void connect_to(MemoryStream& peer) { m_peer = &peer; }

private:
    std::deque<std::string> m_pieces;
    bool m_end { false };
    std::string m_sent;
    std::optional<Closing> m_closed;
    bool m_refuse_sends { false };
    std::function<void()> m_pump;
    MemoryStream* m_peer { nullptr };
};

class MemoryListener final : public StreamListener {
public:
    void queue(MemoryStream& stream) { m_waiting.push_back(&stream); }
    ErrorOr<ByteStream*> try_accept() override
    {
        if (m_waiting.empty())
            return nullptr;
        ByteStream* stream = m_waiting.front();
        m_waiting.pop_front();
        return stream;
    }
    /* Memory streams move only when the test moves them: nothing to wait for. */
    ErrorOr<bool> wait_for_event(std::optional<u64>, SignalBit) override { return false; }

private:
    std::deque<MemoryStream*> m_waiting;
};

}
