# SPDX-License-Identifier: Apache-2.0
# The appliance's port and folder from its manifest configuration (apps/httpappliance
# Configuration.h, ADR 0037): the compiler's bytes, defaults, and every malformed value refused.
vectra_host_test(apps.httpappliance_configuration SOURCES apps/TestApplianceConfiguration.cpp
    COMPONENTS ${kernel_components} text path encoding process httpappliance_configuration)
# Any bytes as the appliance's configuration: settings only from a canonical message, and then
# a port above 0 and an absolute folder without an empty, "." or ".." component.
vectra_fuzz_target(appliance_configuration SOURCES fuzz/FuzzApplianceConfiguration.cpp
    COMPONENTS ${kernel_components} text path encoding process httpappliance_configuration)
