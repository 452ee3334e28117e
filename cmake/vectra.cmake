# Component registration and image linking.
#
#   vectra_component(<name>
#       [KCONFIG <CONFIG_SYMBOL>]   built only when the symbol is y; omit for always-on parts
#       [SOURCES <file>...]         sources common to every platform
#       [INCLUDES <dir>...]         public include folders (default: include, when present)
#       [DEPENDS <component>...]    components whose headers and flags this one uses
#       [LINK <library>...]         extra link items (hosted libraries, port objects)
#       [HOST_TESTABLE]             also compiled into the host trees (unit tests, benchmarks)
#       [THIRD_PARTY])              port code: built without our warnings-as-errors
#
#   vectra_component_sources(<name> [IF <CONFIG_SYMBOL>] <file>...)
#       adds variant sources; this is how configuration picks code, never #ifdef CONFIG_.
#
# A component becomes the OBJECT library vectra_<name> (or an INTERFACE library when it has no
# sources). Every enabled component is linked into the image vectra.elf.

define_property(GLOBAL PROPERTY VECTRA_COMPONENTS
    BRIEF_DOCS "enabled components" FULL_DOCS "names of every enabled component")
define_property(GLOBAL PROPERTY VECTRA_LINKER_SCRIPT
    BRIEF_DOCS "image linker script" FULL_DOCS "set by the platform component")

function(vectra_component name)
    cmake_parse_arguments(ARG "HOST_TESTABLE;THIRD_PARTY" "KCONFIG"
        "SOURCES;INCLUDES;DEPENDS;LINK" ${ARGN})
    if(ARG_KCONFIG AND NOT ${ARG_KCONFIG})
        return()
    endif()
    if((VECTRA_HOST_TESTS OR VECTRA_BENCHMARKS) AND NOT ARG_HOST_TESTABLE)
        return()
    endif()
    set(target vectra_${name})
    if(NOT ARG_INCLUDES AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include)
        set(ARG_INCLUDES include)
    endif()
    if(ARG_SOURCES)
        add_library(${target} OBJECT ${ARG_SOURCES})
        target_include_directories(${target} PUBLIC ${ARG_INCLUDES})
        target_link_libraries(${target} PUBLIC vectra_flags)
        if(NOT ARG_THIRD_PARTY)
            target_link_libraries(${target} PUBLIC vectra_our_warnings)
        endif()
        set_target_properties(${target} PROPERTIES VECTRA_THIRD_PARTY "${ARG_THIRD_PARTY}")
        foreach(dependency IN LISTS ARG_DEPENDS)
            target_link_libraries(${target} PUBLIC vectra_${dependency})
        endforeach()
        target_link_libraries(${target} PUBLIC ${ARG_LINK})
    else()
        add_library(${target} INTERFACE)
        target_include_directories(${target} INTERFACE ${ARG_INCLUDES})
        target_link_libraries(${target} INTERFACE vectra_flags)
        foreach(dependency IN LISTS ARG_DEPENDS)
            target_link_libraries(${target} INTERFACE vectra_${dependency})
        endforeach()
        target_link_libraries(${target} INTERFACE ${ARG_LINK})
    endif()
    set_property(GLOBAL APPEND PROPERTY VECTRA_COMPONENTS ${name})
    file(RELATIVE_PATH folder ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
    set_property(GLOBAL PROPERTY VECTRA_FOLDER_${name} ${folder})
    set_property(GLOBAL PROPERTY VECTRA_DEPENDS_${name} "${ARG_DEPENDS}")
endfunction()

# The kernel boundary: code outside primitives/ and platforms/ sees handles and the kernel calls
# (the `system` component) and nothing else of the kernel — no kernel object, no other Task's
# space, no mint. A component that depends on a kernel-side component stops the configuration,
# naming both; one that includes a kernel header without depending on it fails to compile,
# because only its dependencies' include folders are on its path.
function(vectra_check_kernel_boundary)
    get_property(components GLOBAL PROPERTY VECTRA_COMPONENTS)
    set(kernel_side "")
    foreach(component IN LISTS components)
        get_property(folder GLOBAL PROPERTY VECTRA_FOLDER_${component})
        if(folder MATCHES "^(primitives|platforms)/" AND NOT component STREQUAL "system")
            list(APPEND kernel_side ${component})
        endif()
    endforeach()
    foreach(component IN LISTS components)
        get_property(folder GLOBAL PROPERTY VECTRA_FOLDER_${component})
        if(folder MATCHES "^(primitives|platforms)/")
            continue()
        endif()
        get_property(depends GLOBAL PROPERTY VECTRA_DEPENDS_${component})
        foreach(dependency IN LISTS depends)
            if(dependency IN_LIST kernel_side)
                get_property(dependency_folder GLOBAL PROPERTY VECTRA_FOLDER_${dependency})
                message(FATAL_ERROR "${folder}/CMakeLists.txt: component '${component}' depends on "
                    "'${dependency}' (${dependency_folder}), which is inside the kernel; code outside "
                    "primitives/ and platforms/ may depend on 'system' (handles and kernel calls) only")
            endif()
        endforeach()
    endforeach()
endfunction()

function(vectra_component_sources name)
    cmake_parse_arguments(ARG "" "IF" "" ${ARGN})
    if(ARG_IF AND NOT ${ARG_IF})
        return()
    endif()
    if(TARGET vectra_${name})
        target_sources(vectra_${name} PRIVATE ${ARG_UNPARSED_ARGUMENTS})
    endif()
endfunction()

# Adds every layer folder's components: each immediate sub-folder holding a CMakeLists.txt.
function(vectra_add_layer layer)
    file(GLOB entries LIST_DIRECTORIES true ${CMAKE_SOURCE_DIR}/${layer}/*)
    list(SORT entries)
    foreach(entry IN LISTS entries)
        if(IS_DIRECTORY ${entry} AND EXISTS ${entry}/CMakeLists.txt)
            add_subdirectory(${entry})
        endif()
    endforeach()
endfunction()

# Links every enabled component into build/<image>-<platform>/vectra.elf.
# vectra_link_image(<target> <folder> <manifest object library or "">): every enabled component
# and the image's boot manifest, linked into <folder>/vectra.elf (with vectra.map beside it).
function(vectra_link_image target folder manifest)
    get_property(components GLOBAL PROPERTY VECTRA_COMPONENTS)
    add_executable(${target})
    set_target_properties(${target} PROPERTIES OUTPUT_NAME vectra.elf SUFFIX "" RUNTIME_OUTPUT_DIRECTORY ${folder})
    foreach(component IN LISTS components)
        target_link_libraries(${target} PRIVATE vectra_${component})
    endforeach()
    if(manifest)
        target_link_libraries(${target} PRIVATE ${manifest})
    endif()
    if(VECTRA_FREESTANDING)
        get_property(script GLOBAL PROPERTY VECTRA_LINKER_SCRIPT)
        if(NOT script)
            message(FATAL_ERROR "the platform component did not set VECTRA_LINKER_SCRIPT")
        endif()
        # The linker script INCLUDEs domain_sections.ld: each protection domain's component data
        # apart. tools/manifest/compile.py writes it beside the image's generated boot manifest,
        # whose folder joins this link's search path (each image of a shared build finds its own);
        # without a manifest there are no domains and the fragment only names the empty range.
        if(manifest)
            get_target_property(generated ${manifest} VECTRA_MANIFEST_FOLDER)
        else()
            set(generated ${VECTRA_GENERATED_DIR})
            vectra_write_if_changed(${generated}/domain_sections.ld
                "__domain_data_start = ALIGN(4096);\n__domain_data_end = __domain_data_start;\n")
        endif()
        set_target_properties(${target} PROPERTIES LINK_DEPENDS "${script};${generated}/domain_sections.ld")
        target_link_options(${target} PRIVATE
            -nostdlib -static -fuse-ld=lld -Wl,-L,${generated}
            -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,--gc-sections
            -Wl,-T,${script} -Wl,-Map,${folder}/vectra.map)
        target_link_libraries(${target} PRIVATE ${VECTRA_LIBGCC})
        if(target STREQUAL "vectra.elf")  # the objects checked are the same for every image linked here
            vectra_check_no_heap(${target} "${components}")
        endif()
    else()
        target_link_options(${target} PRIVATE -Wl,-Map,${folder}/vectra.map)
    endif()
    if(target STREQUAL "vectra.elf")
        set(image "${VECTRA_IMAGE}")
    else()
        string(REGEX REPLACE "^vectra_image_" "" image "${target}")
    endif()
    vectra_licence_report(${target} ${folder} "${image}" "${components}")
endfunction()

# After each link, <folder>/licences.txt: every origin of the code linked (the project, each enabled
# port from its port.json, the toolchain's runtime) with its licence and bytes from the link map
# (tools/ports/licences.py).
function(vectra_licence_report target folder image components)
    set(port_arguments "")
    foreach(component IN LISTS components)
        get_target_property(third_party vectra_${component} VECTRA_THIRD_PARTY)
        get_target_property(source vectra_${component} SOURCE_DIR)
        if(third_party AND EXISTS ${source}/port.json)
            file(RELATIVE_PATH relative ${CMAKE_SOURCE_DIR} ${source})
            list(APPEND port_arguments --port-folder ${relative})
        endif()
    endforeach()
    add_custom_command(TARGET ${target} POST_BUILD
        COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tools/ports/licences.py --map ${folder}/vectra.map
            --image ${image} --platform ${VECTRA_PLATFORM} --srctree ${CMAKE_SOURCE_DIR}
            --output ${folder}/licences.txt --elf $<TARGET_FILE:${target}> ${port_arguments}
        VERBATIM)
endfunction()

# The kernel and L0 never allocate implicitly: after linking an image, check that no object of a
# component in core/ or primitives/ references operator new/delete or malloc (tools/checks/no_heap.py).
# core/rt (which defines the panicking operator new) and code ported from elsewhere are exempt.
function(vectra_check_no_heap image components)
    set(objects "")
    foreach(component IN LISTS components)
        get_target_property(type vectra_${component} TYPE)
        get_target_property(folder vectra_${component} SOURCE_DIR)
        get_target_property(third_party vectra_${component} VECTRA_THIRD_PARTY)
        if(NOT type STREQUAL "OBJECT_LIBRARY" OR third_party OR component STREQUAL "rt" OR component STREQUAL "libc")
            continue()
        endif()
        if(folder MATCHES "^${CMAKE_SOURCE_DIR}/(core|primitives)/")
            list(APPEND objects "$<TARGET_OBJECTS:vectra_${component}>")
        endif()
    endforeach()
    file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/no-heap-objects.txt CONTENT "$<JOIN:${objects},\n>\n")
    add_custom_command(TARGET ${image} POST_BUILD
        COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tools/checks/no_heap.py @${CMAKE_BINARY_DIR}/no-heap-objects.txt
        VERBATIM)
endfunction()

function(vectra_write_if_changed path content)
    if(EXISTS ${path})
        file(READ ${path} existing)
        if(existing STREQUAL content)
            return()
        endif()
    endif()
    file(WRITE ${path} "${content}")
endfunction()
