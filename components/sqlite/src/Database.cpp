/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Databases and statements over SQLite's C interface, with errors as SQLite's result codes.
 */

#include <sqlite3.h>
#include <string.h>
#include <vectra/Try.h>
#include <vectra/sqlite/Sqlite.h>

namespace vectra::sqlite {

namespace {

ErrorOr<void> check(int result)
{
    if (result != SQLITE_OK)
        return error_of(result);
    return {};
}

}

ErrorOr<Database> Database::open(Vfs& vfs, std::string_view path)
{
    char name[512];
    if (path.empty() || path.size() >= sizeof(name))
        return Error(ErrorCode::InvalidArgument, "a database path must be 1 to 511 bytes");
    memcpy(name, path.data(), path.size());
    name[path.size()] = '\0';
    ::sqlite3* handle = nullptr;
    int result = sqlite3_open_v2(name, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs.name());
    Database database(handle); /* closes the handle if anything below fails */
    TRY(check(result));
    /*
     * Exclusive locking first: the VFS has no shared-memory methods, so SQLite keeps the
     * wal-index in heap memory, which it does only for a connection that holds the file alone.
     */
    TRY(database.execute("PRAGMA locking_mode=EXCLUSIVE"));
    auto mode = TRY(database.query_text("PRAGMA journal_mode=WAL"));
    if (mode.view() != "wal")
        return Error(Result::Error, "SQLite refused WAL journal mode on this database");
    return database;
}

Database::Database(Database&& other)
    : m_handle(other.m_handle)
{
    other.m_handle = nullptr;
}

Database::~Database()
{
    if (m_handle)
        (void)sqlite3_close_v2(m_handle);
}

ErrorOr<void> Database::close()
{
    int result = sqlite3_close(m_handle);
    if (result != SQLITE_OK)
        return error_of(result);
    m_handle = nullptr;
    return {};
}

ErrorOr<void> Database::execute(char const* sql)
{
    return check(sqlite3_exec(m_handle, sql, nullptr, nullptr, nullptr));
}

ErrorOr<Statement> Database::prepare(char const* sql)
{
    ::sqlite3_stmt* handle = nullptr;
    TRY(check(sqlite3_prepare_v2(m_handle, sql, -1, &handle, nullptr)));
    if (handle == nullptr)
        return Error(Result::Misuse, "the SQL text holds no statement");
    return Statement(handle);
}

ErrorOr<i64> Database::query_integer(char const* sql)
{
    auto statement = TRY(prepare(sql));
    if (!TRY(statement.step()))
        return Error(Result::Empty, "the query returned no row");
    return statement.column_integer(0);
}

ErrorOr<FixedString<64>> Database::query_text(char const* sql)
{
    auto statement = TRY(prepare(sql));
    if (!TRY(statement.step()))
        return Error(Result::Empty, "the query returned no row");
    auto text = statement.column_text(0);
    FixedString<64> copy;
    if (!copy.append(text))
        return Error(ErrorCode::TooLarge, "the answer is longer than 64 bytes");
    return copy;
}

char const* Database::last_message() const { return m_handle ? sqlite3_errmsg(m_handle) : "closed"; }

Statement::Statement(Statement&& other)
    : m_handle(other.m_handle)
{
    other.m_handle = nullptr;
}

Statement::~Statement()
{
    if (m_handle)
        (void)sqlite3_finalize(m_handle);
}

ErrorOr<void> Statement::bind(int index, i64 value) { return check(sqlite3_bind_int64(m_handle, index, value)); }

ErrorOr<void> Statement::bind(int index, std::string_view text)
{
    if (text.size() > 0x7fffffffu)
        return Error(ErrorCode::TooLarge, "SQLite binds text below 2 GiB");
    return check(sqlite3_bind_text(m_handle, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
}

ErrorOr<bool> Statement::step()
{
    int result = sqlite3_step(m_handle);
    if (result == SQLITE_ROW)
        return true;
    if (result == SQLITE_DONE)
        return false;
    return error_of(result);
}

ErrorOr<void> Statement::reset() { return check(sqlite3_reset(m_handle)); }

i64 Statement::column_integer(int index) const { return sqlite3_column_int64(m_handle, index); }

std::string_view Statement::column_text(int index) const
{
    auto const* text = sqlite3_column_text(m_handle, index);
    if (text == nullptr)
        return {};
    return { reinterpret_cast<char const*>(text), static_cast<usize>(sqlite3_column_bytes(m_handle, index)) };
}

}
