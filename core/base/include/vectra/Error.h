/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <concepts>
#include <new>
#include <type_traits>
#include <utility>
#include <vectra/Panic.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * The failures the kernel and L0 report. Stable numbers: protocol replies carry them (with the
 * top bit set) when a service fails for a reason outside its protocol's own errors. 5, 6 and 7
 * held filesystem errors, which vectra.vfs now declares (DomainError); they stay unused.
 */
enum class ErrorCode : u16 {
    None = 0,
    OutOfMemory = 1,
    InvalidArgument = 2,
    NotFound = 3,
    AlreadyExists = 4,
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
    /* An error of a declared domain (a protocol's own errors): see Error::domain(). */
    DomainError = 26,
    /* A capability without RightMove was to be moved to another Task (vectra/Capability.h). */
    NotMovable = 27,
};

[[nodiscard]] char const* error_code_name(ErrorCode);

/*
 * A family of errors declared outside the kernel and L0 — each Ring protocol declares its own
 * (see core/concurrent's protocol declarations). One instance per domain, so its address
 * identifies it; `code_name` names a code of the domain ("not-empty"), or returns nullptr.
 */
struct ErrorDomain {
    char const* name;
    char const* (*code_name)(u16 code);
};

/* An enum is a domain's error code when `error_domain(code)` (found by argument lookup) names its domain. */
template<typename Code>
concept DomainErrorCode = std::is_enum_v<Code> && requires(Code code)
{
    {
        error_domain(code)
        } -> std::same_as<ErrorDomain const&>;
};

/* An error is a code plus a static explanation; nothing is allocated on the failure path. */
class [[nodiscard]] Error {
public:
    constexpr Error(ErrorCode code, char const* message)
        : m_code(code)
        , m_message(message)
    {
    }

    /* An error of a declared domain: code() is DomainError, is(code) matches it. */
    template<DomainErrorCode Code>
    constexpr Error(Code code, char const* message)
        : m_code(ErrorCode::DomainError)
        , m_domain_code(static_cast<u16>(code))
        , m_message(message)
        , m_domain(&error_domain(code))
    {
    }

    /* A domain's error from its number (a protocol reply's status); the domain names it. */
    constexpr Error(ErrorDomain const& domain, u16 code, char const* message)
        : m_code(ErrorCode::DomainError)
        , m_domain_code(code)
        , m_message(message)
        , m_domain(&domain)
    {
    }

    [[nodiscard]] constexpr ErrorCode code() const { return m_code; }
    [[nodiscard]] constexpr char const* message() const { return m_message; }
    /* The declared domain of a DomainError (nullptr for kernel and L0 codes), and its number there. */
    [[nodiscard]] constexpr ErrorDomain const* domain() const { return m_domain; }
    [[nodiscard]] constexpr u16 domain_code() const { return m_domain_code; }

    [[nodiscard]] constexpr bool is(ErrorCode code) const { return m_code == code; }
    template<DomainErrorCode Code>
    [[nodiscard]] constexpr bool is(Code code) const
    {
        return m_domain == &error_domain(code) && m_domain_code == static_cast<u16>(code);
    }

    /* "not-found", or a domain's own name for its code ("not-empty"). */
    [[nodiscard]] char const* name() const;

    [[nodiscard]] constexpr bool operator==(Error const& other) const
    {
        return m_code == other.m_code && m_domain == other.m_domain && m_domain_code == other.m_domain_code;
    }

private:
    ErrorCode m_code;
    u16 m_domain_code { 0 };
    char const* m_message;
    ErrorDomain const* m_domain { nullptr };
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
