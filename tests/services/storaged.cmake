# SPDX-License-Identifier: Apache-2.0
# storaged against a driver Task that dies holding requests (the hosted driver's handlers over a
# disk sgdisk made, served from memory): every request without a reply is sent again, in order,
# inside its partition, and completes once.
vectra_host_test(services.storaged SOURCES services/TestStoragedRestart.cpp
    COMPONENTS ${kernel_components} path fs vfsd_protocol encoding time concurrent block hostblk_driver storaged_service)
