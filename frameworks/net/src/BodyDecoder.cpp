/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/http/BodyDecoder.h>
#include <vectra/http/Characters.h>
#include <vectra/http/Error.h>

namespace vectra::http {

namespace {

Error invalid_chunk(char const* why) { return Error(HttpError::InvalidChunk, why); }

}

BodyDecoder::BodyDecoder(Framing framing, u64 content_length, Limits const& limits)
    : m_framing(framing)
    , m_limits(limits)
{
    switch (framing) {
    case Framing::None:
        m_state = State::Done;
        break;
    case Framing::Length:
        m_remaining = content_length;
        m_state = content_length == 0 ? State::Done : State::Data;
        break;
    case Framing::UntilClose:
        m_state = State::Data;
        break;
    case Framing::Chunked:
        m_state = State::ChunkSize;
        break;
    }
}

ErrorOr<void> BodyDecoder::count(u64 bytes)
{
    if (bytes > m_limits.body_bytes - m_decoded)
        return Error(HttpError::BodyTooLarge, "the body is over its limit");
    m_decoded += bytes;
    return {};
}

ErrorOr<BodyStep> BodyDecoder::step(std::span<u8 const> input)
{
    if (m_state == State::Done || input.empty())
        return BodyStep {};
    if (m_state == State::Data) {
        u64 take = input.size();
        if (m_framing == Framing::Length && take > m_remaining)
            take = m_remaining;
        if (m_framing == Framing::Length && m_remaining > m_limits.body_bytes - m_decoded)
            return Error(HttpError::BodyTooLarge, "the body is over its limit");
        TRY(count(take));
        if (m_framing == Framing::Length) {
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::Done;
        }
        return BodyStep { usize(take), input.first(usize(take)) };
    }
    if (m_state == State::ChunkData) {
        u64 take = input.size() < m_remaining ? input.size() : m_remaining;
        m_remaining -= take;
        if (m_remaining == 0)
            m_state = State::ChunkDataEnd;
        return BodyStep { usize(take), input.first(usize(take)) };
    }
    /* Framing bytes, one at a time, until data starts or the body ends. */
    usize index = 0;
    while (index < input.size() && m_state != State::ChunkData && m_state != State::Done) {
        TRY(take_framing_byte(input[index]));
        ++index;
    }
    return BodyStep { index, {} };
}

ErrorOr<void> BodyDecoder::take_framing_byte(u8 byte)
{
    if (m_after_carriage_return && byte != '\n')
        return Error(HttpError::BareCarriageReturn, "a CR not followed by LF in a chunked body");
    if (byte == '\n' && !m_after_carriage_return)
        return Error(HttpError::BareLineFeed, "an LF without its CR in a chunked body");
    switch (m_state) {
    case State::ChunkSize: {
        if (++m_line_bytes > m_limits.chunk_line_bytes)
            return invalid_chunk("a chunk size line over its limit");
        int digit = hex_digit_value(byte);
        if (digit >= 0) {
            if (++m_size_digits > 16 || (m_remaining >> 60) != 0)
                return invalid_chunk("a chunk size over 16 hex digits");
            m_remaining = (m_remaining << 4) | u64(digit);
            return {};
        }
        if (m_size_digits == 0)
            return invalid_chunk("a chunk size line starts with its hex size");
        if (byte == ';') {
            m_state = State::ChunkExtension;
            return {};
        }
        if (byte == '\r') {
            m_after_carriage_return = true;
            m_state = State::ChunkSizeEnd;
            return {};
        }
        return invalid_chunk("a chunk size is followed by ';' or CRLF");
    }
    case State::ChunkExtension:
        if (++m_line_bytes > m_limits.chunk_line_bytes)
            return invalid_chunk("a chunk size line over its limit");
        if (byte == '\r') {
            m_after_carriage_return = true;
            m_state = State::ChunkSizeEnd;
            return {};
        }
        if (!is_field_value_character(byte) || byte >= 0x80)
            return invalid_chunk("a chunk extension of visible ASCII, SP and HTAB");
        return {};
    case State::ChunkSizeEnd:
        m_after_carriage_return = false;
        m_line_bytes = 0;
        m_size_digits = 0;
        if (m_remaining == 0) {
            m_state = State::TrailerLine;
            return {};
        }
        TRY(count(m_remaining));
        m_state = State::ChunkData;
        return {};
    case State::ChunkDataEnd:
        if (byte == '\r' && !m_after_carriage_return) {
            m_after_carriage_return = true;
            return {};
        }
        if (byte == '\n') {
            m_after_carriage_return = false;
            m_state = State::ChunkSize;
            return {};
        }
        return invalid_chunk("a chunk's data is followed by CRLF");
    case State::TrailerLine:
        if (++m_trailer_bytes > m_limits.trailer_bytes)
            return Error(HttpError::HeadersTooLarge, "the trailer is over its limit");
        if (byte == '\r') {
            m_after_carriage_return = true;
            return {};
        }
        if (byte == '\n') {
            m_after_carriage_return = false;
            if (m_line_bytes == 0)
                m_state = State::Done;
            else if (!m_trailer_colon)
                return Error(HttpError::InvalidHeaderName, "a trailer line is token ':' value");
            m_line_bytes = 0;
            m_trailer_colon = false;
            return {};
        }
        if (m_line_bytes == 0 && (byte == ' ' || byte == '\t'))
            return Error(HttpError::ObsoleteLineFolding, "a trailer line that starts with whitespace");
        ++m_line_bytes;
        if (!m_trailer_colon) {
            if (byte == ':' && m_line_bytes > 1)
                m_trailer_colon = true;
            else if (!is_token_character(byte))
                return Error(HttpError::InvalidHeaderName, "a trailer line is token ':' value");
            return {};
        }
        if (!is_field_value_character(byte))
            return Error(HttpError::InvalidHeaderValue, "a control byte in a trailer field");
        return {};
    case State::Data:
    case State::ChunkData:
    case State::Done:
        break;
    }
    VERIFY_NOT_REACHED();
}

ErrorOr<void> BodyDecoder::end_of_stream()
{
    if (m_state == State::Done)
        return {};
    if (m_framing == Framing::UntilClose) {
        m_state = State::Done;
        return {};
    }
    return Error(HttpError::Truncated, "the stream ended inside the body");
}

}
