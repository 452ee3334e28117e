/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/encoding's JSON decoder against nlohmann-json and simdjson: the same document (an account
 * record of 18 fields: strings with escapes and non-ASCII text, integers of several widths and
 * signs, bools, a nested struct, arrays and an optional) decoded into the same plain structs. Every
 * decoder validates the text as JSON and UTF-8 and copies the strings into the structs' inline
 * FixedStrings. Ours also refuses unknown, repeated and missing members, range-checks every
 * integer against its field and checks everything after the last field; nlohmann's get<> does not
 * range-check, and simdjson (SimdjsonAccount.cpp) range-checks by hand but reads nothing past the
 * last field. nlohmann parses into its DOM and `get<>`s through from_json; simdjson's On-Demand
 * API reads the fields straight from its index.
 */

#include "EncodingAccount.h"
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vectra/BoundedVector.h>
#include <vectra/FixedString.h>
#include <vectra/encoding/Json.h>

namespace {

using namespace vectra;
using namespace vectra::bench;

void json_decode_ours(benchmark::State& state)
{
    auto const& text = document();
    Account account;
    if (decode_json(text, account).is_error() || !decoded_correctly(account)) {
        state.SkipWithError("core/encoding did not decode the document");
        return;
    }
    for (auto _ : state) {
        auto result = decode_json(text, account);
        benchmark::DoNotOptimize(result);
        benchmark::DoNotOptimize(account);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<i64>(state.iterations() * text.size()));
}

}

/* nlohmann-json: parse into its DOM, then get<> through from_json (found by argument-dependent lookup). */
namespace vectra {

template<usize N>
void from_json(nlohmann::json const& json, FixedString<N>& value)
{
    bench::assign(value, json.get_ref<std::string const&>());
}

template<typename T, usize N>
void from_json(nlohmann::json const& json, BoundedVector<T, N>& value)
{
    value.clear();
    for (auto const& element : json)
        element.get_to(*MUST(value.try_append_default()));
}

}

namespace vectra::bench {

void from_json(nlohmann::json const& json, Address& address)
{
    json.at("street").get_to(address.street);
    json.at("city").get_to(address.city);
    json.at("postcode").get_to(address.postcode);
    json.at("country").get_to(address.country);
}

void from_json(nlohmann::json const& json, Account& account)
{
    json.at("id").get_to(account.id);
    json.at("username").get_to(account.username);
    json.at("display_name").get_to(account.display_name);
    json.at("email").get_to(account.email);
    json.at("verified").get_to(account.verified);
    json.at("administrator").get_to(account.administrator);
    json.at("age").get_to(account.age);
    json.at("timezone_offset").get_to(account.timezone_offset);
    json.at("created_at").get_to(account.created_at);
    json.at("last_login").get_to(account.last_login);
    json.at("login_count").get_to(account.login_count);
    json.at("balance_cents").get_to(account.balance_cents);
    json.at("locale").get_to(account.locale);
    json.at("biography").get_to(account.biography);
    json.at("address").get_to(account.address);
    json.at("tags").get_to(account.tags);
    json.at("recent_scores").get_to(account.recent_scores);
    auto referrer = json.find("referrer");
    if (referrer == json.end() || referrer->is_null())
        account.referrer.reset();
    else
        account.referrer = referrer->get<u64>();
}

}

namespace {

void json_decode_nlohmann(benchmark::State& state)
{
    auto const& text = document();
    Account account;
    nlohmann::json::parse(text).get_to(account);
    if (!decoded_correctly(account)) {
        state.SkipWithError("nlohmann-json did not decode the document");
        return;
    }
    for (auto _ : state) {
        nlohmann::json::parse(text).get_to(account);
        benchmark::DoNotOptimize(account);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<i64>(state.iterations() * text.size()));
}

void json_decode_simdjson(benchmark::State& state)
{
    Account account;
    if (!simdjson_supported()) {
        state.SkipWithError("simdjson's On-Demand kernel here needs AVX2");
        return;
    }
    if (!simdjson_decode(account) || !decoded_correctly(account)) {
        state.SkipWithError("simdjson did not decode the document");
        return;
    }
    for (auto _ : state) {
        bool decoded = simdjson_decode(account);
        benchmark::DoNotOptimize(decoded);
        benchmark::DoNotOptimize(account);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<i64>(state.iterations() * document().size()));
}

}

BENCHMARK(json_decode_ours)->Name("BM_json_decode/ours");
BENCHMARK(json_decode_nlohmann)->Name("BM_json_decode/baseline_nlohmann");
BENCHMARK(json_decode_simdjson)->Name("BM_json_decode/baseline_simdjson");
