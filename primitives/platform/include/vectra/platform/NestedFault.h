/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/platform/Platform.h>

/*
 * Printing for the one moment nothing else can be trusted: a fault while a fault is being handled
 * (or before the kernel runs). Only console_write(), a few bytes of stack, no {fmt}, no kernel.
 * Shared by every platform, so the report reads the same on each.
 */
namespace vectra::platform {

inline void write_raw_text(char const* text)
{
    usize length = 0;
    while (text[length] != '\0')
        ++length;
    console_write(text, length);
}

/* 0x followed by all 16 hexadecimal digits. */
inline void write_raw_hexadecimal(u64 value)
{
    char digits[18] = { '0', 'x' };
    for (int index = 0; index < 16; ++index)
        digits[2 + index] = "0123456789abcdef"[(value >> (60 - 4 * index)) & 0xf];
    console_write(digits, sizeof(digits));
}

/* "\n<platform>: fault while handling a fault: <kind> at <pc>, address …, error code …, stack …\n" */
inline void print_nested_fault(char const* platform_name, FaultReport const& report)
{
    write_raw_text("\n");
    write_raw_text(platform_name);
    write_raw_text(": fault while handling a fault: ");
    write_raw_text(report.kind ? report.kind : "unknown fault");
    write_raw_text(" at ");
    write_raw_hexadecimal(report.instruction_address);
    write_raw_text(", address ");
    write_raw_hexadecimal(report.fault_address);
    write_raw_text(", error code ");
    write_raw_hexadecimal(report.error_code);
    write_raw_text(", stack ");
    write_raw_hexadecimal(report.stack_pointer);
    write_raw_text("\n");
}

}
