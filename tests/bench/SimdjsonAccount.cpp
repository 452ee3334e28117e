/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * simdjson's On-Demand API decoding the account record into the same structs as the other
 * decoders. On-Demand is compiled only for the instruction set the translation unit targets, so
 * this file alone is built with -march=haswell (AVX2): simdjson's best kernel on this CPU, as the
 * ceiling. bench_encoding skips the run on a CPU without AVX2.
 */

#include "EncodingAccount.h"
#include <limits>
#include <simdjson.h>
#include <type_traits>

namespace vectra::bench {

namespace {

/* simdjson On-Demand: fields read in the order the struct lists them (its fast path), strings unescaped by simdjson. */
template<usize N>
simdjson::error_code read_string(simdjson::simdjson_result<simdjson::ondemand::value> result, FixedString<N>& target)
{
    simdjson::ondemand::value value;
    if (auto error = std::move(result).get(value))
        return error;
    std::string_view text;
    if (auto error = value.get_string().get(text))
        return error;
    target.clear();
    return target.append(text) ? simdjson::SUCCESS : simdjson::CAPACITY;
}

template<typename T>
simdjson::error_code read_integer(simdjson::simdjson_result<simdjson::ondemand::value> result, T& target)
{
    simdjson::ondemand::value value;
    if (auto error = std::move(result).get(value))
        return error;
    if constexpr (std::is_signed_v<T>) {
        i64 number = 0;
        if (auto error = value.get_int64().get(number))
            return error;
        if (number < std::numeric_limits<T>::min() || number > std::numeric_limits<T>::max())
            return simdjson::NUMBER_OUT_OF_RANGE;
        target = static_cast<T>(number);
    } else {
        u64 number = 0;
        if (auto error = value.get_uint64().get(number))
            return error;
        if (number > std::numeric_limits<T>::max())
            return simdjson::NUMBER_OUT_OF_RANGE;
        target = static_cast<T>(number);
    }
    return simdjson::SUCCESS;
}

#define SIMDJSON_READ(expression)                                                                                      \
    do {                                                                                                               \
        if (auto _error = (expression))                                                                                \
            return _error;                                                                                             \
    } while (0)

simdjson::error_code read_address(simdjson::simdjson_result<simdjson::ondemand::value> value, Address& address)
{
    simdjson::ondemand::object object;
    SIMDJSON_READ(value.get_object().get(object));
    SIMDJSON_READ(read_string(object["street"], address.street));
    SIMDJSON_READ(read_string(object["city"], address.city));
    SIMDJSON_READ(read_string(object["postcode"], address.postcode));
    SIMDJSON_READ(read_string(object["country"], address.country));
    return simdjson::SUCCESS;
}

simdjson::error_code read_account(simdjson::ondemand::document& document, Account& account)
{
    simdjson::ondemand::object object;
    SIMDJSON_READ(document.get_object().get(object));
    SIMDJSON_READ(read_integer(object["id"], account.id));
    SIMDJSON_READ(read_string(object["username"], account.username));
    SIMDJSON_READ(read_string(object["display_name"], account.display_name));
    SIMDJSON_READ(read_string(object["email"], account.email));
    SIMDJSON_READ(object["verified"].get_bool().get(account.verified));
    SIMDJSON_READ(object["administrator"].get_bool().get(account.administrator));
    SIMDJSON_READ(read_integer(object["age"], account.age));
    SIMDJSON_READ(read_integer(object["timezone_offset"], account.timezone_offset));
    SIMDJSON_READ(read_integer(object["created_at"], account.created_at));
    SIMDJSON_READ(read_integer(object["last_login"], account.last_login));
    SIMDJSON_READ(read_integer(object["login_count"], account.login_count));
    SIMDJSON_READ(read_integer(object["balance_cents"], account.balance_cents));
    SIMDJSON_READ(read_string(object["locale"], account.locale));
    SIMDJSON_READ(read_string(object["biography"], account.biography));
    SIMDJSON_READ(read_address(object["address"], account.address));
    simdjson::ondemand::array tags;
    SIMDJSON_READ(object["tags"].get_array().get(tags));
    account.tags.clear();
    for (auto element : tags) {
        auto slot = account.tags.try_append_default();
        if (slot.is_error())
            return simdjson::CAPACITY;
        SIMDJSON_READ(read_string(element, *slot.value()));
    }
    simdjson::ondemand::array scores;
    SIMDJSON_READ(object["recent_scores"].get_array().get(scores));
    account.recent_scores.clear();
    for (auto element : scores) {
        auto slot = account.recent_scores.try_append_default();
        if (slot.is_error())
            return simdjson::CAPACITY;
        SIMDJSON_READ(read_integer(element, *slot.value()));
    }
    simdjson::ondemand::value referrer;
    auto found = object["referrer"].get(referrer);
    if (found == simdjson::NO_SUCH_FIELD) {
        account.referrer.reset();
    } else {
        SIMDJSON_READ(found);
        bool null = false;
        SIMDJSON_READ(referrer.is_null().get(null));
        if (null) {
            account.referrer.reset();
        } else {
            u64 value = 0;
            SIMDJSON_READ(referrer.get_uint64().get(value));
            account.referrer = value;
        }
    }
    /* On-Demand checks only what it reads (it does not look past the last field read): less than the others do. */
    return simdjson::SUCCESS;
}

simdjson::error_code decode(simdjson::ondemand::parser& parser, simdjson::padded_string const& text, Account& account)
{
    simdjson::ondemand::document parsed;
    SIMDJSON_READ(parser.iterate(text).get(parsed));
    return read_account(parsed, account);
}

}

bool simdjson_decode(Account& account)
{
    static simdjson::padded_string const text(document());
    static simdjson::ondemand::parser parser;
    return decode(parser, text, account) == simdjson::SUCCESS;
}

bool simdjson_supported()
{
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("pclmul");
#else
    return true; /* other architectures build this file for their baseline instruction set */
#endif
}

}
