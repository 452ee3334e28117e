/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <initializer_list>
#include <vectra/log/Record.h>

namespace vectra::log {

/*
 * Writes records for one component to a sink the caller holds; there is no global logger.
 * Records below the minimum level cost a comparison. log() never fails the caller: a sink
 * error is counted (dropped()); try_log() returns it instead.
 *
 *     log::Logger logger(console_sink, "vfsd");
 *     logger.info("listening", { { "slots", 8 }, { "schema", "vectra.vfs" } });
 */
class Logger {
public:
    Logger(SinkReference sink, std::string_view component, Level minimum = Level::Info, MonotonicClock* clock = nullptr)
        : m_sink(sink)
        , m_component(component)
        , m_minimum(minimum)
        , m_clock(clock)
    {
    }

    /* The same sink, clock and level under another component name. */
    [[nodiscard]] Logger for_component(std::string_view component) const
    {
        return Logger(m_sink, component, m_minimum, m_clock);
    }

    [[nodiscard]] bool is_enabled(Level level) const { return static_cast<u8>(level) >= static_cast<u8>(m_minimum); }
    void set_minimum(Level level) { m_minimum = level; }

    [[nodiscard]] ErrorOr<void> try_log(
        Level level, std::string_view message, std::initializer_list<KeyValue> fields = {});

    void log(Level level, std::string_view message, std::initializer_list<KeyValue> fields = {})
    {
        if (try_log(level, message, fields).is_error())
            ++m_dropped;
    }
    void trace(std::string_view message, std::initializer_list<KeyValue> fields = {})
    {
        log(Level::Trace, message, fields);
    }
    void debug(std::string_view message, std::initializer_list<KeyValue> fields = {})
    {
        log(Level::Debug, message, fields);
    }
    void info(std::string_view message, std::initializer_list<KeyValue> fields = {})
    {
        log(Level::Info, message, fields);
    }
    void warning(std::string_view message, std::initializer_list<KeyValue> fields = {})
    {
        log(Level::Warning, message, fields);
    }
    void error(std::string_view message, std::initializer_list<KeyValue> fields = {})
    {
        log(Level::Error, message, fields);
    }

    /* Records the sink refused since this logger was made. */
    [[nodiscard]] u64 dropped() const { return m_dropped; }

private:
    SinkReference m_sink;
    std::string_view m_component;
    Level m_minimum;
    MonotonicClock* m_clock;
    u64 m_dropped { 0 };
};

}
