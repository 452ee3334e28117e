/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <new>
#include <type_traits>
#include <utility>
#include <vectra/Panic.h>
#include <vectra/Types.h>

namespace vectra {

/* Every failure a Vectra interface can report. Stable numbers: they travel in Ring replies. */
enum class ErrorCode : u16 {
    None = 0,
    OutOfMemory = 1,
    InvalidArgument = 2,
    NotFound = 3,
    AlreadyExists = 4,
    NotEmpty = 5,
    NotADirectory = 6,
    IsADirectory = 7,
    WrongClass = 8,
    StaleHandle = 9,
    MissingRight = 10,
    Full = 11,
    Empty = 12,
    SchemaMismatch = 13,
    MalformedMessage = 14,
    UnknownMessage = 15,
    NameTooLong = 16,
    TooLarge = 17,
    Unsupported = 18,
    Busy = 19,
    TimedOut = 20,
    ForeignHandle = 21,
    PeerRestarted = 22,
    Revoked = 23,
    PeerClosed = 24,
    Deadlock = 25,
};

[[nodiscard]] char const* error_code_name(ErrorCode);

/* An error is a code plus a static explanation; nothing is allocated on the failure path. */
class [[nodiscard]] Error {
public:
    constexpr Error(ErrorCode code, char const* message)
        : m_code(code)
        , m_message(message)
    {
    }

    [[nodiscard]] constexpr ErrorCode code() const { return m_code; }
    [[nodiscard]] constexpr char const* message() const { return m_message; }
    [[nodiscard]] constexpr bool operator==(Error const& other) const { return m_code == other.m_code; }

private:
    ErrorCode m_code;
    char const* m_message;
};

/*
 * A value of type T or an error of type E. E is `Error` unless an interface reports more detail
 * (a decoder's offset and field, say); such error types convert to `Error` so that TRY and MUST
 * work across them.
 */
template<typename T, typename E = Error>
class [[nodiscard]] ErrorOr {
public:
    using ValueType = T;
    using ErrorType = E;

    ErrorOr(T value)
        : m_is_error(false)
    {
        new (&m_storage.value) T(std::move(value));
    }

    template<typename U>
    requires(std::is_convertible_v<U, T> && !std::is_same_v<std::remove_cvref_t<U>, T> && !std::is_same_v<std::remove_cvref_t<U>, E>)
    ErrorOr(U&& value)
        : m_is_error(false)
    {
        new (&m_storage.value) T(std::forward<U>(value));
    }

    ErrorOr(E error)
        : m_is_error(true)
    {
        new (&m_storage.error) E(error);
    }

    /* A more detailed error that converts to E (what lets TRY pass it up as a plain Error). */
    template<typename Other>
    requires(!std::is_same_v<std::remove_cvref_t<Other>, E> && std::is_convertible_v<Other, E> && !std::is_convertible_v<Other, T>)
    ErrorOr(Other&& error)
        : ErrorOr(E(std::forward<Other>(error)))
    {
    }

    ErrorOr(ErrorOr&& other)
        : m_is_error(other.m_is_error)
    {
        if (m_is_error)
            new (&m_storage.error) E(other.m_storage.error);
        else
            new (&m_storage.value) T(std::move(other.m_storage.value));
    }

    ErrorOr& operator=(ErrorOr&& other)
    {
        if (this == &other)
            return *this;
        destroy();
        m_is_error = other.m_is_error;
        if (m_is_error)
            new (&m_storage.error) E(other.m_storage.error);
        else
            new (&m_storage.value) T(std::move(other.m_storage.value));
        return *this;
    }

    ErrorOr(ErrorOr const&) = delete;
    ErrorOr& operator=(ErrorOr const&) = delete;

    ~ErrorOr() { destroy(); }

    [[nodiscard]] bool is_error() const { return m_is_error; }
    [[nodiscard]] E error() const
    {
        VERIFY(m_is_error);
        return m_storage.error;
    }
    [[nodiscard]] T& value()
    {
        VERIFY(!m_is_error);
        return m_storage.value;
    }
    [[nodiscard]] T const& value() const
    {
        VERIFY(!m_is_error);
        return m_storage.value;
    }
    [[nodiscard]] T release_value() { return std::move(value()); }
    [[nodiscard]] E release_error() { return error(); }

private:
    void destroy()
    {
        if (m_is_error)
            m_storage.error.~E();
        else
            m_storage.value.~T();
    }

    union Storage {
        Storage() { }
        ~Storage() { }
        T value;
        E error;
    } m_storage;
    bool m_is_error;
};

/* ErrorOr<void>: success, or an error. Copyable, as it always was. */
template<typename E>
class [[nodiscard]] ErrorOr<void, E> {
public:
    using ValueType = void;
    using ErrorType = E;

    ErrorOr() { }
    ErrorOr(E error)
        : m_is_error(true)
    {
        new (&m_storage.error) E(error);
    }
    template<typename Other>
    requires(!std::is_same_v<std::remove_cvref_t<Other>, E> && std::is_convertible_v<Other, E>)
    ErrorOr(Other&& error)
        : ErrorOr(E(std::forward<Other>(error)))
    {
    }
    ErrorOr(ErrorOr const& other) { copy_from(other); }
    ErrorOr& operator=(ErrorOr const& other)
    {
        if (this != &other) {
            destroy();
            copy_from(other);
        }
        return *this;
    }
    ~ErrorOr() { destroy(); }

    [[nodiscard]] bool is_error() const { return m_is_error; }
    [[nodiscard]] E error() const
    {
        VERIFY(m_is_error);
        return m_storage.error;
    }
    [[nodiscard]] E release_error() { return error(); }
    void release_value() { }

private:
    void copy_from(ErrorOr const& other)
    {
        m_is_error = other.m_is_error;
        if (m_is_error)
            new (&m_storage.error) E(other.m_storage.error);
    }
    void destroy()
    {
        if (m_is_error)
            m_storage.error.~E();
        m_is_error = false;
    }

    union Storage {
        Storage() { }
        ~Storage() { }
        char none;
        E error;
    } m_storage;
    bool m_is_error { false };
};

}

/* MUST: the caller asserts the operation cannot fail here; a failure is a panic, never ignored. */
#define MUST(expression)                                                \
    ({                                                                  \
        auto _must_result = (expression);                               \
        if (_must_result.is_error()) [[unlikely]]                       \
            ::vectra::panic_with_error(_must_result.error(), #expression, __FILE__, __LINE__); \
        _must_result.release_value();                                   \
    })
