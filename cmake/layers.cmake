# SPDX-License-Identifier: Apache-2.0
#
# vectra_check_layers(): tools/checks/layers.py against layers.json, the component folders'
# CMakeLists.txt and Kconfig files and every source file, twice:
#   - at configure time, so that a bad link or an unreconciled Kconfig dependency stops the
#     configuration before anything compiles (these live in files whose edits re-configure);
#   - as a build step (target `layers`, part of every build) that re-runs whenever any file it
#     read changes (a Ninja depfile lists them), so that an #include added later fails the build.
# Either way each problem is one line naming both files. The check reads text only (~0.1 s).

function(vectra_check_layers)
    set(checker ${CMAKE_SOURCE_DIR}/tools/checks/layers.py)
    set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
        ${checker} ${CMAKE_SOURCE_DIR}/layers.json)
    execute_process(COMMAND ${VECTRA_PYTHON} ${checker} --srctree ${CMAKE_SOURCE_DIR}
        RESULT_VARIABLE result ERROR_VARIABLE problems)
    if(NOT result EQUAL 0)
        vectra_fail_with_lines("${problems}")
    endif()
    set(stamp ${CMAKE_BINARY_DIR}/layers.stamp)
    add_custom_command(OUTPUT ${stamp}
        COMMAND ${VECTRA_PYTHON} ${checker} --srctree ${CMAKE_SOURCE_DIR}
            --depfile ${CMAKE_BINARY_DIR}/layers.d --stamp ${stamp}
        DEPFILE ${CMAKE_BINARY_DIR}/layers.d
        COMMENT "Checking layers"
        VERBATIM)
    add_custom_target(layers ALL DEPENDS ${stamp})
endfunction()
