/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A vectra.socket server's socket table and byte budget (core/net SocketTable.h), tested as a
 * client trying to reach what is not its own would: one socket over the limit, an id another
 * session was given, a closed socket's id, ids made up at random, ids kept across the end of a
 * session, and a generation counter run all the way round.
 */

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>
#include <vectra/net/SocketTable.h>

using namespace vectra;
using namespace vectra::net;

namespace {

struct Socket {
    int value { 0 };
};

using Table = SocketTable<Socket, 16>;

bool no_such_socket(ErrorOr<Socket*> const& found) { return found.is_error() && found.error().is(SocketError::NoSuchSocket); }

}

TEST_CASE("a session holds at most its limit of sockets; one more is limit-reached", "[net][sockets]")
{
    Table table(3, 4);
    std::vector<u32> ids;
    for (int value = 0; value < 4; ++value)
        ids.push_back(MUST(table.add(Socket { value })));
    auto refused = table.add(Socket { 99 });
    REQUIRE(refused.is_error());
    REQUIRE(refused.error().is(SocketError::LimitReached));
    REQUIRE(table.count() == 4);
    for (int value = 0; value < 4; ++value)
        REQUIRE(MUST(table.find(ids[usize(value)]))->value == value);
    REQUIRE(MUST(table.remove(ids[1])).value == 1);
    REQUIRE(!table.add(Socket { 5 }).is_error());
    REQUIRE(table.add(Socket { 6 }).is_error());
    /* A limit above the table's capacity is the capacity. */
    Table large(0, 1000);
    REQUIRE(large.limit() == 16);
}

TEST_CASE("an id another session was given names nothing in this one", "[net][sockets]")
{
    Table mine(1, 16);
    Table theirs(2, 16);
    std::vector<u32> my_ids, their_ids;
    for (int value = 0; value < 16; ++value) {
        my_ids.push_back(MUST(mine.add(Socket { value })));
        their_ids.push_back(MUST(theirs.add(Socket { 100 + value })));
    }
    for (u32 id : their_ids)
        REQUIRE(no_such_socket(mine.find(id)));
    for (u32 id : my_ids)
        REQUIRE(no_such_socket(theirs.find(id)));
    REQUIRE(mine.remove(their_ids[0]).is_error());
    REQUIRE(mine.count() == 16);
}

TEST_CASE("a closed socket's id stays refused, also once its slot holds a new socket", "[net][sockets]")
{
    Table table(5, 16);
    u32 first = MUST(table.add(Socket { 1 }));
    (void)MUST(table.remove(first));
    REQUIRE(no_such_socket(table.find(first)));
    REQUIRE(table.remove(first).is_error());
    u32 second = MUST(table.add(Socket { 2 }));
    REQUIRE(second != first);
    REQUIRE((second & 0x3ff) == (first & 0x3ff)); /* the same slot, a new generation */
    REQUIRE(no_such_socket(table.find(first)));
    REQUIRE(MUST(table.find(second))->value == 2);
}

TEST_CASE("made-up ids name a socket only when they are exactly an id the table gave", "[net][sockets]")
{
    Table table(7, 16);
    std::vector<u32> ids;
    for (int value = 0; value < 12; ++value)
        ids.push_back(MUST(table.add(Socket { value })));
    (void)MUST(table.remove(ids[3]));
    ids.erase(ids.begin() + 3);
    std::mt19937 random(12345);
    auto check = [&](u32 id) {
        bool given = std::find(ids.begin(), ids.end(), id) != ids.end();
        auto result = table.find(id);
        REQUIRE(result.is_error() == !given);
        if (!given)
            REQUIRE(result.error().is(SocketError::NoSuchSocket));
    };
    for (int attempt = 0; attempt < 200000; ++attempt)
        check(u32(random()));
    /* Near misses: each given id with one bit flipped (some land on another given id: found, rightly). */
    for (u32 id : ids) {
        for (int bit = 0; bit < 32; ++bit)
            check(id ^ (u32(1) << bit));
        check(id);
    }
}

TEST_CASE("when a session ends every socket goes and none of its ids names the next session's sockets", "[net][sockets]")
{
    Table table(9, 16);
    std::vector<u32> old_ids;
    for (int value = 0; value < 16; ++value)
        old_ids.push_back(MUST(table.add(Socket { value })));
    int seen = 0;
    table.clear([&](Socket& socket) { seen += 1 + socket.value; });
    REQUIRE(seen == 16 + 15 * 16 / 2);
    REQUIRE(table.count() == 0);
    for (int value = 0; value < 16; ++value)
        (void)MUST(table.add(Socket { value }));
    for (u32 id : old_ids)
        REQUIRE(no_such_socket(table.find(id)));
}

TEST_CASE("a slot's generation goes round without ever being zero or repeating early", "[net][sockets]")
{
    SocketTable<Socket, 1> table(0, 1);
    u32 first = MUST(table.add(Socket {}));
    u32 id = first;
    for (u32 round = 1; round < 0xffff; ++round) {
        (void)MUST(table.remove(id));
        id = MUST(table.add(Socket {}));
        REQUIRE((id >> 16) != 0);
        REQUIRE(id != first);
        REQUIRE(no_such_socket(table.find(first)));
    }
    (void)MUST(table.remove(id));
    REQUIRE(MUST(table.add(Socket {})) == first); /* 65535 sockets later: the first id comes round */
}

TEST_CASE("a session's byte budget takes whole amounts up to its bound", "[net][sockets]")
{
    ByteBudget budget(1000);
    REQUIRE(budget.room_for(600) == 600);
    MUST(budget.take(600));
    REQUIRE(budget.room_for(600) == 400);
    auto refused = budget.take(401);
    REQUIRE(refused.is_error());
    REQUIRE(refused.error().is(SocketError::LimitReached));
    REQUIRE(budget.used() == 600);
    MUST(budget.take(400));
    REQUIRE(budget.room_for(1) == 0);
    budget.give_back(1000);
    REQUIRE(budget.room_for(5000) == 1000);
}
