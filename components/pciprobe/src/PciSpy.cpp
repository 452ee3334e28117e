/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * pci_spy: holds a PciDevice for one function and tries to reach past it (README.md). Every
 * attempt must be refused; the line it prints names the error. Returns 0 only if all were.
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(pci_spy);

namespace vectra::task_entries {

namespace {

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

/* Prints how an attempt ended; true when it was refused with `expected`. */
template<typename T>
ErrorOr<bool> refused(ConsoleCap const& console, char const* attempt, ErrorOr<T> const& result, ErrorCode expected)
{
    ErrorCode code = code_of(result);
    TRY(print_line(console, "pci-spy: {}: {}", attempt, code == ErrorCode::None ? "allowed" : error_code_name(code)));
    return code == expected;
}

}

ErrorOr<i32> pci_spy(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto device = TRY(bundle.take<PciDeviceCap>("device"));
    auto info = TRY(system::pci_describe(device));
    TRY(print_line(console, "pci-spy: holds {:02x}:{:02x}.{} {:04x}:{:04x}", info.bus, info.device, info.function,
        info.vendor_id, info.device_id));
    bool all = true;
    all &= TRY(refused(console, "read at 0x1000, past its function", system::pci_config_read(device, 0x1000, 4),
        ErrorCode::InvalidArgument));
    all &= TRY(refused(console, "read 4 bytes at 0xffe", system::pci_config_read(device, 0xffe, 4),
        ErrorCode::InvalidArgument));
    all &= TRY(refused(console, "write BAR0", system::pci_config_write(device, 0x10, 4, 0xffff'ffff),
        ErrorCode::MissingRight));
    all &= TRY(refused(console, "write the expansion ROM BAR", system::pci_config_write(device, 0x30, 4, 0),
        ErrorCode::MissingRight));
    /* Every slot of its own space, as a PciDevice: only its own capability answers. */
    usize answered = 0;
    for (u16 slot = 0; slot < 64; ++slot) {
        for (u32 generation = 1; generation <= 4; ++generation) {
            PciDeviceCap guess(device.space(), slot, generation);
            auto read = system::pci_config_read(guess, 0, 4);
            if (!read.is_error())
                ++answered;
        }
    }
    TRY(print_line(console, "pci-spy: {} of 256 guessed handles in its own space answer (its own device)", answered));
    all &= answered == 1;
    PciDeviceCap foreign(device.space() + 1, device.slot(), device.generation());
    all &= TRY(refused(console, "read through a handle of another space", system::pci_config_read(foreign, 0, 4),
        ErrorCode::ForeignHandle));
    /* Its console capability is a DeviceCap, but not the PCI bus (and carries write only). */
    all &= TRY(refused(console, "open a function through its console capability",
        system::pci_open(console, memory, PciMatch::by_id(0x1af4, 0x1005)), ErrorCode::MissingRight));
    auto reader = TRY(system::attenuate(device, RightRead));
    all &= TRY(refused(console, "write the command register through a read-only copy",
        system::pci_config_write(reader, 0x04, 2, 0), ErrorCode::MissingRight));
    TRY(print_line(console, "pci-spy: {}", all ? "every attempt refused" : "SOMETHING WAS ALLOWED"));
    return all ? 0 : 1;
}

}
