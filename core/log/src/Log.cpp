/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/log/Logger.h>
#include <vectra/log/MessageSink.h>

namespace vectra::log {

char const* level_name(Level level)
{
    switch (level) {
    case Level::Trace:
        return "TRACE";
    case Level::Debug:
        return "DEBUG";
    case Level::Info:
        return "INFO";
    case Level::Warning:
        return "WARNING";
    case Level::Error:
        return "ERROR";
    }
    return "INVALID";
}

ErrorOr<void> Logger::try_log(Level level, std::string_view message, std::initializer_list<KeyValue> fields)
{
    if (!is_enabled(level))
        return {};
    Record record;
    record.level = level;
    record.component = m_component;
    record.message = message;
    record.fields = std::span<KeyValue const>(fields.begin(), fields.size());
    if (m_clock)
        record.time = m_clock->now();
    return m_sink.write(record);
}

namespace {

/* Cuts `text` to at most `capacity` bytes, backing off to a code point boundary if it is UTF-8. */
template<usize Capacity>
bool copy_cut(std::string_view text, FixedString<Capacity>& destination)
{
    if (text.size() <= Capacity) {
        destination = MUST(FixedString<Capacity>::try_from(text));
        return false;
    }
    usize length = Capacity;
    if (!validate_utf8(text).is_error()) {
        while (length > 0 && (static_cast<u8>(text[length]) & 0xC0) == 0x80)
            --length;
    }
    destination = MUST(FixedString<Capacity>::try_from(text.substr(0, length)));
    return true;
}

}

void to_wire(Record const& record, WireRecord& wire)
{
    wire.level = static_cast<u8>(record.level);
    wire.time_nanoseconds.reset();
    if (record.time)
        wire.time_nanoseconds = record.time->nanoseconds_since_boot();
    bool truncated = copy_cut(record.component, wire.component);
    truncated |= copy_cut(record.message, wire.message);
    wire.pairs.clear();
    for (auto const& pair : record.fields) {
        auto slot = wire.pairs.try_append_default();
        if (slot.is_error()) {
            truncated = true;
            break;
        }
        WireKeyValue& entry = *slot.value();
        truncated |= copy_cut(pair.key, entry.key);
        entry.kind = static_cast<u8>(pair.value.kind());
        switch (pair.value.kind()) {
        case Value::Kind::Bool:
            entry.unsigned_value = pair.value.as_bool() ? 1 : 0;
            break;
        case Value::Kind::Signed:
            entry.signed_value = pair.value.as_signed();
            break;
        case Value::Kind::Unsigned:
            entry.unsigned_value = pair.value.as_unsigned();
            break;
        case Value::Kind::Duration:
            entry.signed_value = pair.value.as_duration().nanoseconds();
            break;
        case Value::Kind::Text:
            truncated |= copy_cut(pair.value.as_text(), entry.text);
            break;
        }
    }
    wire.truncated = truncated;
}

ErrorOr<void, DecodeError> decode_wire_record(std::span<u8 const> bytes, WireRecord& wire)
{
    auto decoded = decode_binary(bytes, wire);
    if (decoded.is_error())
        return decoded;
    if (wire.level > static_cast<u8>(Level::Error))
        return DecodeError { ErrorCode::MalformedMessage, "unknown log level", encoding::binary_header_size, "level" };
    for (auto const& entry : wire.pairs) {
        if (entry.kind > static_cast<u8>(Value::Kind::Duration))
            return DecodeError { ErrorCode::MalformedMessage, "unknown value kind", encoding::binary_header_size,
                "kind" };
        if (entry.kind == static_cast<u8>(Value::Kind::Bool) && entry.unsigned_value > 1)
            return DecodeError { ErrorCode::MalformedMessage, "bool value is neither 0 nor 1",
                encoding::binary_header_size, "unsigned" };
    }
    return {};
}

Record view_of(WireRecord const& wire, std::span<KeyValue, WireRecord::maximum_pairs> storage)
{
    Record record;
    record.level = static_cast<Level>(wire.level);
    if (wire.time_nanoseconds)
        record.time = MonotonicInstant::from_nanoseconds_since_boot(*wire.time_nanoseconds);
    record.component = wire.component.view();
    record.message = wire.message.view();
    usize count = 0;
    for (auto const& entry : wire.pairs) {
        Value value(false);
        switch (static_cast<Value::Kind>(entry.kind)) {
        case Value::Kind::Bool:
            value = Value(entry.unsigned_value != 0);
            break;
        case Value::Kind::Signed:
            value = Value(entry.signed_value);
            break;
        case Value::Kind::Unsigned:
            value = Value(entry.unsigned_value);
            break;
        case Value::Kind::Duration:
            value = Value(Duration::from_nanoseconds(entry.signed_value));
            break;
        case Value::Kind::Text:
            value = Value(entry.text.view());
            break;
        }
        storage[count++] = KeyValue { entry.key.view(), value };
    }
    record.fields = std::span<KeyValue const>(storage.data(), count);
    return record;
}

}
