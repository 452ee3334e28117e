# SPDX-License-Identifier: Apache-2.0
#
# Kconfig at configure time.
#
#   vectra_kconfig()
#
# Merges, in this order (later wins):
#   platforms/<VECTRA_PLATFORM>/defconfig
#   images/<VECTRA_IMAGE>/defconfig         (tests/host.defconfig when VECTRA_HOST_TESTS or
#                                            VECTRA_BENCHMARKS is ON)
#   each file of VECTRA_OVERLAYS
#   <build>/menuconfig.conf                 (when present: what `ninja menuconfig` saved)
#   each CONFIG_X=value of VECTRA_SET
# with tools/kconfig/configure.py, which fails when a value does not take effect. Afterwards every
# CONFIG_* symbol is a CMake variable ("" when n), <build>/generated/vectra/config.h holds the C
# view, and editing any Kconfig file or fragment re-runs the configuration. (A menuconfig.conf
# written by hand, where there was none, needs one `cmake <build>`: the menuconfig target and
# `./vectra menuconfig` re-configure by themselves.)
#
# Targets: `menuconfig` (edits the configuration, keeps the changes in <build>/menuconfig.conf)
# and `savedefconfig` (writes the build's minimal configuration to <build>/defconfig).

set(VECTRA_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with Debian's python3-kconfiglib")
set(VECTRA_KCONFIG_TOOL ${CMAKE_SOURCE_DIR}/tools/kconfig/configure.py)

# Lists the folders of <layer> that hold a defconfig (the valid platforms or images).
function(_vectra_kconfig_choices layer out_var)
    file(GLOB fragments RELATIVE ${CMAKE_SOURCE_DIR}/${layer}
        ${CMAKE_SOURCE_DIR}/${layer}/*/defconfig)
    set(names "")
    foreach(fragment IN LISTS fragments)
        get_filename_component(name ${fragment} DIRECTORY)
        list(APPEND names ${name})
    endforeach()
    list(SORT names)
    set(${out_var} ${names} PARENT_SCOPE)
endfunction()

function(_vectra_kconfig_require_folder layer name variable)
    if(NOT EXISTS ${CMAKE_SOURCE_DIR}/${layer}/${name}/defconfig)
        _vectra_kconfig_choices(${layer} valid)
        list(JOIN valid ", " valid)
        message(FATAL_ERROR "${variable}='${name}' is unknown: ${layer}/${name}/defconfig does "
            "not exist. Valid values: ${valid}")
    endif()
endfunction()

# Overlays given relative to the caller's directory become absolute once, in the cache, so that a
# re-configure started by Ninja (from the build folder) still finds them.
function(_vectra_kconfig_overlays out_var)
    set(overlays "")
    foreach(overlay IN LISTS VECTRA_OVERLAYS)
        get_filename_component(overlay ${overlay} ABSOLUTE)
        if(NOT EXISTS ${overlay})
            message(FATAL_ERROR "VECTRA_OVERLAYS: ${overlay} does not exist")
        endif()
        list(APPEND overlays ${overlay})
    endforeach()
    if(NOT "${overlays}" STREQUAL "${VECTRA_OVERLAYS}")
        set(VECTRA_OVERLAYS "${overlays}" CACHE STRING
            "Kconfig fragments merged after the image's, in order" FORCE)
    endif()
    set(${out_var} ${overlays} PARENT_SCOPE)
endfunction()

# Lists the fragments to merge, in order, without menuconfig.conf.
function(_vectra_kconfig_fragments out_var)
    _vectra_kconfig_require_folder(platforms "${VECTRA_PLATFORM}" VECTRA_PLATFORM)
    set(fragments ${CMAKE_SOURCE_DIR}/platforms/${VECTRA_PLATFORM}/defconfig)
    if(VECTRA_HOST_TESTS OR VECTRA_BENCHMARKS)
        list(APPEND fragments ${CMAKE_SOURCE_DIR}/tests/host.defconfig)
    else()
        _vectra_kconfig_require_folder(images "${VECTRA_IMAGE}" VECTRA_IMAGE)
        list(APPEND fragments ${CMAKE_SOURCE_DIR}/images/${VECTRA_IMAGE}/defconfig)
    endif()
    _vectra_kconfig_overlays(overlays)
    list(APPEND fragments ${overlays})
    set(${out_var} ${fragments} PARENT_SCOPE)
endfunction()

# Runs configure.py generate; stops the configuration with its messages when it fails.
function(_vectra_kconfig_generate input_arguments)
    set(generated ${VECTRA_GENERATED_DIR})
    execute_process(
        COMMAND ${VECTRA_PYTHON} ${VECTRA_KCONFIG_TOOL} generate ${input_arguments}
            --out-config ${CMAKE_BINARY_DIR}/.config
            --out-header ${generated}/vectra/config.h
            --out-cmake ${generated}/config.cmake
            --out-deps ${generated}/kconfig-deps.txt
        RESULT_VARIABLE result
        OUTPUT_VARIABLE output
        ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
        vectra_fail_with_lines("${output}")
    endif()
    file(STRINGS ${generated}/kconfig-deps.txt inputs)
    set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
        ${inputs} ${VECTRA_KCONFIG_TOOL} ${CMAKE_SOURCE_DIR}/tools/kconfig/fragments.py
        ${CMAKE_SOURCE_DIR}/tools/kconfig/strict.py)
endfunction()

function(_vectra_kconfig_targets base_arguments)
    set(source_arguments -S ${CMAKE_SOURCE_DIR} -B ${CMAKE_BINARY_DIR})
    add_custom_target(menuconfig
        COMMAND ${VECTRA_PYTHON} ${VECTRA_KCONFIG_TOOL} menuconfig ${base_arguments}
            --build-dir ${CMAKE_BINARY_DIR}
        COMMAND ${CMAKE_COMMAND} ${source_arguments}
        USES_TERMINAL VERBATIM
        COMMENT "menuconfig: changes are kept in ${CMAKE_BINARY_DIR}/menuconfig.conf")
    add_custom_target(savedefconfig
        COMMAND ${VECTRA_PYTHON} ${VECTRA_KCONFIG_TOOL} savedefconfig
            --kconfig ${CMAKE_SOURCE_DIR}/Kconfig --srctree ${CMAKE_SOURCE_DIR}
            --build-dir ${CMAKE_BINARY_DIR} --out ${CMAKE_BINARY_DIR}/defconfig
        VERBATIM)
endfunction()

# A macro, so that the CONFIG_* variables land in the caller's scope.
macro(vectra_kconfig)
    if(NOT VECTRA_GENERATED_DIR)
        set(VECTRA_GENERATED_DIR ${CMAKE_BINARY_DIR}/generated)
    endif()
    _vectra_kconfig_fragments(_vectra_kconfig_fragment_list)
    set(_vectra_kconfig_arguments
        --kconfig ${CMAKE_SOURCE_DIR}/Kconfig --srctree ${CMAKE_SOURCE_DIR})
    foreach(_vectra_kconfig_item IN LISTS _vectra_kconfig_fragment_list)
        list(APPEND _vectra_kconfig_arguments --fragment ${_vectra_kconfig_item})
    endforeach()
    set(_vectra_kconfig_settings "")
    foreach(_vectra_kconfig_item IN LISTS VECTRA_SET)
        list(APPEND _vectra_kconfig_settings --set ${_vectra_kconfig_item})
    endforeach()
    _vectra_kconfig_targets("${_vectra_kconfig_arguments};${_vectra_kconfig_settings}")
    if(EXISTS ${CMAKE_BINARY_DIR}/menuconfig.conf)
        list(APPEND _vectra_kconfig_arguments --fragment ${CMAKE_BINARY_DIR}/menuconfig.conf)
    endif()
    _vectra_kconfig_generate("${_vectra_kconfig_arguments};${_vectra_kconfig_settings}")
    include(${VECTRA_GENERATED_DIR}/config.cmake)
    if(NOT "${CONFIG_PLATFORM_NAME}" STREQUAL "${VECTRA_PLATFORM}")
        message(FATAL_ERROR "the configuration picked platform '${CONFIG_PLATFORM_NAME}' but "
            "VECTRA_PLATFORM is '${VECTRA_PLATFORM}': a fragment overrides the platform choice")
    endif()
    message(STATUS "Kconfig: ${VECTRA_PLATFORM} platform, image '${VECTRA_IMAGE}'")
endmacro()
