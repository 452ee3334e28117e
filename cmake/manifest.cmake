# vectra_boot_manifest(): compiles images/<image>/<CONFIG_IMAGE_MANIFEST> into C++ data for
# initd (<build>/generated/boot_manifest.cpp), after checking every Task's Bundle against the
# footprint its entry declares and the composition against the configuration: the manifest's
# `image` is its folder, every entry's component is enabled (its footprint's `kconfig` symbol)
# and declared in the kernel's Entries.h, and every memory grant holds the Kconfig sizes of the
# component it hosts (its footprint's `memory`).
#
# The compiler runs at configure time, so a bad composition fails configuration with one line
# naming the file, the field and the reason. The manifest, every footprint, the compiler and
# Entries.h are configure dependencies: editing any of them re-runs the configuration (and with
# it the checks), which rewrites boot_manifest.cpp only when its content changes, so Ninja
# recompiles exactly initd's manifest object and relinks.

function(vectra_boot_manifest)
    if(NOT TARGET vectra_initd)
        return()
    endif()
    set(manifest ${CMAKE_SOURCE_DIR}/images/${VECTRA_IMAGE}/${CONFIG_IMAGE_MANIFEST})
    if(NOT EXISTS ${manifest})
        message(FATAL_ERROR "images/${VECTRA_IMAGE}/defconfig: CONFIG_IMAGE_MANIFEST: "
            "images/${VECTRA_IMAGE}/${CONFIG_IMAGE_MANIFEST} does not exist")
    endif()
    set(output ${VECTRA_GENERATED_DIR}/boot_manifest.cpp)
    set(compiler ${CMAKE_SOURCE_DIR}/tools/manifest/compile.py)
    set(entries ${CMAKE_SOURCE_DIR}/primitives/kernel/include/vectra/kernel/Entries.h)
    file(GLOB footprints CONFIGURE_DEPENDS
        ${CMAKE_SOURCE_DIR}/services/*/*footprint.json ${CMAKE_SOURCE_DIR}/apps/*/*footprint.json
        ${CMAKE_SOURCE_DIR}/components/*/*footprint.json)
    set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
        ${manifest} ${compiler} ${entries} ${footprints})
    execute_process(COMMAND ${VECTRA_PYTHON} ${compiler} --manifest ${manifest} --srctree ${CMAKE_SOURCE_DIR}
            --output ${output} --image ${VECTRA_IMAGE} --config ${CMAKE_BINARY_DIR}/.config --entries ${entries}
            --include-dirs ${VECTRA_GENERATED_DIR}/boot_manifest_includes.txt
            --linker-fragment ${VECTRA_GENERATED_DIR}/domain_sections.ld
        RESULT_VARIABLE result ERROR_VARIABLE errors)
    if(NOT result EQUAL 0)
        # Indented, so that CMake prints the line as it is instead of re-wrapping it.
        string(STRIP "${errors}" errors)
        string(REPLACE "\n" "\n  " errors "  ${errors}")
        message(FATAL_ERROR "${errors}\n")
    endif()
    target_sources(vectra_initd PRIVATE ${output})
    # The generated data names each connection's schema constants, declared in the headers of the
    # components whose footprints describe those schemas.
    file(READ ${VECTRA_GENERATED_DIR}/boot_manifest_includes.txt schema_includes)
    target_include_directories(vectra_initd PRIVATE ${schema_includes})
endfunction()
