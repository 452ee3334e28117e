/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <concepts>
#include <optional>
#include <span>
#include <string_view>
#include <vectra/Duration.h>
#include <vectra/Error.h>
#include <vectra/MonotonicClock.h>
#include <vectra/Utf8View.h>

namespace vectra::log {

/* Ordered: a logger passes records at or above its minimum level. Stable numbers (wire form). */
enum class Level : u8 {
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warning = 3,
    Error = 4,
};

[[nodiscard]] char const* level_name(Level); /* "TRACE" ... "ERROR" */

/* A typed value of a record's key-value pair. Stable kind numbers (wire form). */
class Value {
public:
    enum class Kind : u8 {
        Bool = 0,
        Signed = 1,
        Unsigned = 2,
        Text = 3,
        Duration = 4,
    };

    /* false: what an empty slot holds. */
    constexpr Value()
        : Value(false)
    {
    }
    constexpr Value(bool value)
        : m_kind(Kind::Bool)
        , m_unsigned(value ? 1 : 0)
    {
    }
    template<std::integral Integer>
    requires(!std::same_as<Integer, bool> && !std::same_as<Integer, char>) constexpr Value(Integer value)
        : m_kind(std::is_signed_v<Integer> ? Kind::Signed : Kind::Unsigned)
    {
        if constexpr (std::is_signed_v<Integer>)
            m_signed = value;
        else
            m_unsigned = value;
    }
    constexpr Value(std::string_view text)
        : m_kind(Kind::Text)
        , m_text(text)
    {
    }
    /* Without this, a string literal would pick the bool constructor. */
    constexpr Value(char const* text)
        : m_kind(Kind::Text)
        , m_text(text)
    {
    }
    constexpr Value(Utf8View text)
        : m_kind(Kind::Text)
        , m_text(text.bytes())
    {
    }
    constexpr Value(vectra::Duration duration)
        : m_kind(Kind::Duration)
        , m_signed(duration.nanoseconds())
    {
    }

    [[nodiscard]] constexpr Kind kind() const { return m_kind; }
    [[nodiscard]] constexpr bool as_bool() const { return m_unsigned != 0; }
    [[nodiscard]] constexpr i64 as_signed() const { return m_signed; }
    [[nodiscard]] constexpr u64 as_unsigned() const { return m_unsigned; }
    [[nodiscard]] constexpr std::string_view as_text() const { return m_text; }
    [[nodiscard]] constexpr vectra::Duration as_duration() const
    {
        return vectra::Duration::from_nanoseconds(m_signed);
    }

private:
    Kind m_kind;
    i64 m_signed { 0 };
    u64 m_unsigned { 0 };
    std::string_view m_text {};
};

struct KeyValue {
    std::string_view key;
    Value value;
};

/* One record, borrowed: it points at the caller's strings and only lives during the write. */
struct Record {
    Level level { Level::Info };
    std::string_view component {};
    std::string_view message {};
    std::span<KeyValue const> fields {};
    std::optional<MonotonicInstant> time {};
};

/* Where records go: a sink the caller holds (console text, a log Ring, a test's buffer). */
template<typename T>
concept Sink = requires(T& sink, Record const& record)
{
    {
        sink.write(record)
        } -> std::same_as<ErrorOr<void>>;
};

/* A non-owning reference to any Sink, so loggers need not be templates. */
class SinkReference {
public:
    template<Sink Target>
    requires(!std::same_as<Target, SinkReference>) SinkReference(Target& sink)
        : m_sink(&sink)
        , m_write([](void* context, Record const& record) { return static_cast<Target*>(context)->write(record); })
    {
    }

    [[nodiscard]] ErrorOr<void> write(Record const& record) const { return m_write(m_sink, record); }

private:
    void* m_sink;
    ErrorOr<void> (*m_write)(void*, Record const&);
};

}
