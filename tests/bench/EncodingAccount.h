/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The account record bench_encoding decodes: its structs (described for core/encoding, plain
 * members for the baselines), the JSON document and the check that a decoder got it right.
 */

#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vectra/BoundedVector.h>
#include <vectra/FixedString.h>
#include <vectra/encoding/Describe.h>

namespace vectra::bench {

struct Address {
    FixedString<64> street;
    FixedString<32> city;
    FixedString<16> postcode;
    FixedString<8> country;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("street", &Address::street), vectra::field("city", &Address::city),
            vectra::field("postcode", &Address::postcode), vectra::field("country", &Address::country));
    }
};

struct Account {
    u64 id { 0 };
    FixedString<32> username;
    FixedString<64> display_name;
    FixedString<64> email;
    bool verified { false };
    bool administrator { false };
    u8 age { 0 };
    i16 timezone_offset { 0 };
    u64 created_at { 0 };
    u64 last_login { 0 };
    u32 login_count { 0 };
    i64 balance_cents { 0 };
    FixedString<16> locale;
    FixedString<256> biography;
    Address address;
    BoundedVector<FixedString<24>, 8> tags;
    BoundedVector<u32, 16> recent_scores;
    std::optional<u64> referrer;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("id", &Account::id), vectra::field("username", &Account::username),
            vectra::field("display_name", &Account::display_name), vectra::field("email", &Account::email),
            vectra::field("verified", &Account::verified), vectra::field("administrator", &Account::administrator),
            vectra::field("age", &Account::age), vectra::field("timezone_offset", &Account::timezone_offset),
            vectra::field("created_at", &Account::created_at), vectra::field("last_login", &Account::last_login),
            vectra::field("login_count", &Account::login_count),
            vectra::field("balance_cents", &Account::balance_cents), vectra::field("locale", &Account::locale),
            vectra::field("biography", &Account::biography), vectra::field("address", &Account::address),
            vectra::field("tags", &Account::tags), vectra::field("recent_scores", &Account::recent_scores),
            vectra::field("referrer", &Account::referrer));
    }
};

/* The document, built once: pretty-printed as an API would serve it (whitespace included). */
inline std::string const& document()
{
    static std::string const text = R"({
  "id": 9007199254740881,
  "username": "ada.lovelace",
  "display_name": "Ada Lovelace (Byron) \u2014 Analyst",
  "email": "ada@example.org",
  "verified": true,
  "administrator": false,
  "age": 36,
  "timezone_offset": -300,
  "created_at": 1700000000123,
  "last_login": 1764201234567,
  "login_count": 48213,
  "balance_cents": -1299,
  "locale": "en-GB",
  "biography": "Writes notes on the \"Analytical Engine\".\nLikes: mathematics, poetry, caf\u00e9s, and \u00dcbersetzungen — with footnotes.",
  "address": {
    "street": "12 St James's Square",
    "city": "London",
    "postcode": "SW1Y 4JH",
    "country": "GB"
  },
  "tags": ["mathematics", "engines", "notes", "poetry"],
  "recent_scores": [97, 88, 100, 73, 91, 85, 99, 100],
  "referrer": 4503599627370496
})";
    return text;
}

template<usize N>
inline void assign(FixedString<N>& target, std::string_view text)
{
    target.clear();
    if (!target.append(text))
        std::abort();
}

/* What every decoder must have produced: checked once before measuring. */
inline bool decoded_correctly(Account const& account)
{
    return account.id == 9007199254740881ull && account.username == "ada.lovelace"
        && account.display_name == "Ada Lovelace (Byron) \xE2\x80\x94 Analyst" && account.verified
        && !account.administrator && account.age == 36 && account.timezone_offset == -300
        && account.balance_cents == -1299 && account.biography.view().starts_with("Writes notes on the \"Analytical")
        && account.address.postcode == "SW1Y 4JH" && account.tags.size() == 4 && account.tags[3] == "poetry"
        && account.recent_scores.size() == 8 && account.recent_scores[7] == 100
        && account.referrer == 4503599627370496ull;
}

/* simdjson On-Demand into the same struct (SimdjsonAccount.cpp, built for AVX2); false when it did not decode. */
bool simdjson_decode(Account& account);
/* Whether this CPU can run SimdjsonAccount.cpp's code. */
bool simdjson_supported();

}
