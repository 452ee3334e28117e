# SPDX-License-Identifier: Apache-2.0
#
# Ports: third-party code reaches images only from pinned Debian source packages, never from
# the repository.
#
#   vectra_port(<name> PORT_JSON <file> OUT_VAR <var>)
#
# Makes sure the port's pinned files are in the cache (tools/ports/fetch.py: no network when
# the cache entry is complete and verified), then sets <var> to the cached files' paths.
# The cache is VECTRA_CACHE (default: $VECTRA_CACHE, else $XDG_CACHE_HOME/vectra, else
# ~/.cache/vectra); `./vectra setup` fills it for every port.

if(DEFINED ENV{VECTRA_CACHE} AND NOT "$ENV{VECTRA_CACHE}" STREQUAL "")
    set(_vectra_default_cache "$ENV{VECTRA_CACHE}")
elseif(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
    set(_vectra_default_cache "$ENV{XDG_CACHE_HOME}/vectra")
else()
    set(_vectra_default_cache "$ENV{HOME}/.cache/vectra")
endif()
set(VECTRA_CACHE "${_vectra_default_cache}" CACHE PATH
    "download cache for ports (Debian source packages), outside the source tree")
set(VECTRA_PORTS_TOOL ${CMAKE_SOURCE_DIR}/tools/ports/fetch.py)

define_property(GLOBAL PROPERTY VECTRA_PORTS
    BRIEF_DOCS "ports in use" FULL_DOCS "port.json path of every port an enabled component uses")

function(_vectra_port_tool result_var output_var)
    execute_process(
        COMMAND ${CMAKE_COMMAND} -E env VECTRA_CACHE=${VECTRA_CACHE}
            ${VECTRA_PYTHON} ${VECTRA_PORTS_TOOL} ${ARGN}
        RESULT_VARIABLE result
        OUTPUT_VARIABLE output
        ERROR_VARIABLE output
        OUTPUT_STRIP_TRAILING_WHITESPACE)
    set(${result_var} ${result} PARENT_SCOPE)
    set(${output_var} "${output}" PARENT_SCOPE)
endfunction()

function(vectra_port name)
    cmake_parse_arguments(ARG "" "PORT_JSON;OUT_VAR" "" ${ARGN})
    if(NOT ARG_PORT_JSON OR NOT ARG_OUT_VAR)
        message(FATAL_ERROR "vectra_port(${name}): PORT_JSON and OUT_VAR are required")
    endif()
    get_filename_component(port_json ${ARG_PORT_JSON} ABSOLUTE)
    file(READ ${port_json} description)
    string(JSON declared GET "${description}" name)
    if(NOT declared STREQUAL name)
        message(FATAL_ERROR "vectra_port(${name}): ${port_json} declares the port '${declared}'")
    endif()
    set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND
        PROPERTY CMAKE_CONFIGURE_DEPENDS ${port_json})
    set_property(GLOBAL APPEND PROPERTY VECTRA_PORTS ${port_json})

    _vectra_port_tool(complete report --check ${port_json})
    if(NOT complete EQUAL 0)
        message(STATUS "Port ${name}: fetching its pinned Debian source into ${VECTRA_CACHE}")
        execute_process(
            COMMAND ${CMAKE_COMMAND} -E env VECTRA_CACHE=${VECTRA_CACHE}
                ${VECTRA_PYTHON} ${VECTRA_PORTS_TOOL} ${port_json}
            RESULT_VARIABLE fetched)
        if(NOT fetched EQUAL 0)
            message(FATAL_ERROR "Port ${name}: its files are not in the cache (${VECTRA_CACHE}) "
                "and fetching them failed (see above). Run `./vectra setup` with network access "
                "to fill the cache, then configure again.")
        endif()
    endif()

    _vectra_port_tool(listed files --list ${port_json})
    if(NOT listed EQUAL 0)
        message(FATAL_ERROR "Port ${name}: cache entry not usable:\n${files}")
    endif()
    string(REPLACE "\n" ";" files "${files}")
    set(${ARG_OUT_VAR} ${files} PARENT_SCOPE)
endfunction()
