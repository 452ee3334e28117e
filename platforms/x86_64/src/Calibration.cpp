/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * TSC and APIC-timer calibration against the 1.193182 MHz PIT.
 *
 * The window runs from one change of the PIT counter to another ~5 ms later. Each poll reads
 * the TSC, the APIC timer's current count, the PIT, and the TSC again. A change of the PIT
 * happened somewhere between two polls, so an edge only counts when those two polls were close
 * together: a vCPU preempted by the host mid-poll (common under TCG on a busy machine) would
 * otherwise move an edge by tens of microseconds, i.e. a 0.5 % error.
 */

#include "Calibration.h"
#include "InterruptControllers.h"
#include <vectra/Panic.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::x86_64 {

namespace {

constexpr u64 pit_frequency = 1'193'182;
constexpr u16 pit_channel0_data_port = 0x40;
constexpr u16 pit_command_port = 0x43;
/* One microsecond of edge error is 0.02 % of this window; the window is most of the platform's
   boot time (measured under TCG: about ±0.003 % run to run). */
constexpr u64 window_pit_ticks = pit_frequency / 200; /* 5 ms */
constexpr u32 warm_up_polls = 64;
/* An edge whose polls are further apart than this many times the quickest pair is refused. */
constexpr u64 edge_span_factor = 4;
/* After this many refused edges the next one is taken anyway (a machine that is always slow). */
constexpr u32 refused_edge_limit = 1000;
/* Polls without any change after which the PIT is declared missing. */
constexpr u64 stuck_poll_limit = 10'000'000;

struct Poll {
    u64 time_stamp_before;
    u64 time_stamp_after;
    u32 apic_count;
    u16 pit_count;
};

u16 read_pit_counter()
{
    out8(pit_command_port, 0x00); /* latch channel 0 */
    u8 low = in8(pit_channel0_data_port);
    u8 high = in8(pit_channel0_data_port);
    return static_cast<u16>(low | (high << 8));
}

Poll poll()
{
    Poll result;
    result.time_stamp_before = read_time_stamp_counter();
    result.apic_count = local_apic_timer_current_count();
    result.pit_count = read_pit_counter();
    result.time_stamp_after = read_time_stamp_counter();
    return result;
}

/* Where an edge lies: between the PIT reads of two consecutive polls. */
struct Edge {
    u16 pit_count; /* the new counter value */
    u64 time_stamp; /* midpoint estimate */
    u64 apic_count; /* midpoint estimate */
};

class EdgeFinder {
public:
    explicit EdgeFinder(u64 span_limit)
        : m_span_limit(span_limit)
        , m_previous(poll())
    {
    }

    /* The next well-located edge; `elapsed` accumulates the PIT ticks passed since the call
       that started counting (mode 2 counts down and wraps at 65536). */
    Edge next(u64& elapsed)
    {
        u32 refused = 0;
        u64 polls_without_change = 0;
        for (;;) {
            Poll current = poll();
            if (current.pit_count == m_previous.pit_count) {
                if (++polls_without_change > stuck_poll_limit)
                    PANIC("x86_64: the PIT does not count; cannot calibrate the TSC and APIC timer");
                m_previous = current;
                continue;
            }
            polls_without_change = 0;
            elapsed += static_cast<u16>(m_previous.pit_count - current.pit_count);
            bool well_located = current.time_stamp_after - m_previous.time_stamp_before <= m_span_limit;
            Poll previous = m_previous;
            m_previous = current;
            if (well_located || ++refused > refused_edge_limit) {
                return Edge {
                    .pit_count = current.pit_count,
                    .time_stamp = previous.time_stamp_after / 2 + current.time_stamp_before / 2,
                    .apic_count = (static_cast<u64>(previous.apic_count) + current.apic_count) / 2,
                };
            }
        }
    }

private:
    u64 m_span_limit;
    Poll m_previous;
};

}

TimerFrequencies measure_timer_frequencies()
{
    /* Channel 0, low then high byte, mode 2 (rate generator), reload 65536: a free-running
       down-counter. The APIC timer counts down from its maximum, masked. */
    out8(pit_command_port, 0x34);
    out8(pit_channel0_data_port, 0);
    out8(pit_channel0_data_port, 0);
    local_apic_start_timer(0xffff'ffff, true);

    u64 quickest_span = ~0ull;
    Poll previous = poll();
    for (u32 index = 0; index < warm_up_polls; ++index) {
        Poll current = poll();
        u64 span = current.time_stamp_after - previous.time_stamp_before;
        if (span < quickest_span)
            quickest_span = span;
        previous = current;
    }

    EdgeFinder finder(quickest_span * edge_span_factor);
    u64 ignored = 0;
    Edge start = finder.next(ignored);
    u64 elapsed = 0;
    Edge end = start;
    while (elapsed < window_pit_ticks)
        end = finder.next(elapsed);
    local_apic_stop_timer();

    /* Mode 0 (interrupt on terminal count): the PIT goes quiet after one more period. */
    out8(pit_command_port, 0x30);
    out8(pit_channel0_data_port, 0xff);
    out8(pit_channel0_data_port, 0xff);

    return TimerFrequencies {
        .time_stamp_counter = (end.time_stamp - start.time_stamp) * pit_frequency / elapsed,
        .local_apic_timer = (start.apic_count - end.apic_count) * pit_frequency / elapsed,
        .time_stamp_at_start = start.time_stamp,
    };
}

}
