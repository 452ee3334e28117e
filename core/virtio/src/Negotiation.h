/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What every virtio transport does the same way (virtio 1.2, 3.1.1): the device status bits,
 * a bounded wait for a reset, and feature negotiation. Each transport passes its own register
 * access (PCI common configuration, MMIO window) as callables.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>
#include <vectra/virtio/ModernTransport.h>

namespace vectra::virtio {

enum StatusBit : u8 {
    Acknowledge = 1,
    Driver = 2,
    DriverOk = 4,
    FeaturesOk = 8,
    Failed = 128,
};

inline constexpr usize reset_polls = 1'000'000;

/* Write 0 to the status, then poll (bounded) until it reads back 0. */
template<typename WriteStatus, typename ReadStatus>
ErrorOr<void> reset_device(WriteStatus write_status, ReadStatus read_status)
{
    write_status(u8(0));
    for (usize poll = 0; poll < reset_polls; ++poll) {
        if (read_status() == 0)
            return {};
    }
    return Error(ErrorCode::TimedOut, "the device did not finish its reset");
}

/*
 * After a reset: acknowledge, read the offered features (`offered_half(0)`, `offered_half(1)`),
 * require VIRTIO_F_VERSION_1, write back those of `wanted` offered (`accept_half(half, bits)`),
 * set FEATURES_OK and check the device kept it; FAILED on refusal.
 */
template<typename WriteStatus, typename ReadStatus, typename OfferedHalf, typename AcceptHalf>
ErrorOr<u64> negotiate_features(
    u64 wanted, WriteStatus write_status, ReadStatus read_status, OfferedHalf offered_half, AcceptHalf accept_half)
{
    write_status(u8(Acknowledge));
    write_status(u8(Acknowledge | Driver));
    u64 offered = u64(offered_half(0u)) | (u64(offered_half(1u)) << 32);
    if (!(offered & feature_version_1)) {
        write_status(u8(Acknowledge | Driver | Failed));
        return Error(ErrorCode::Unsupported, "the device does not offer VIRTIO_F_VERSION_1");
    }
    u64 accepted = offered & (wanted | feature_version_1);
    accept_half(0u, static_cast<u32>(accepted));
    accept_half(1u, static_cast<u32>(accepted >> 32));
    write_status(u8(Acknowledge | Driver | FeaturesOk));
    if (!(read_status() & FeaturesOk)) {
        write_status(u8(Acknowledge | Driver | Failed));
        return Error(ErrorCode::Unsupported, "the device refused the features accepted");
    }
    return accepted;
}

}
