# vectra_boot_manifest(): compiles images/<image>/<CONFIG_IMAGE_MANIFEST> into C++ data for
# initd, after checking every Task's Bundle against the footprint its entry declares. The check
# runs once at configure time (so a bad manifest fails configuration, naming the Task and slot)
# and again whenever the manifest or a footprint changes.

function(vectra_boot_manifest)
    if(NOT TARGET vectra_initd)
        return()
    endif()
    set(manifest ${CMAKE_SOURCE_DIR}/images/${VECTRA_IMAGE}/${CONFIG_IMAGE_MANIFEST})
    if(NOT EXISTS ${manifest})
        message(FATAL_ERROR "image ${VECTRA_IMAGE} has no boot manifest ${manifest}")
    endif()
    set(output ${VECTRA_GENERATED_DIR}/boot_manifest.cpp)
    set(compiler ${CMAKE_SOURCE_DIR}/tools/manifest/compile.py)
    set(command /usr/bin/python3 ${compiler} --manifest ${manifest} --srctree ${CMAKE_SOURCE_DIR} --output ${output})
    execute_process(COMMAND ${command} --include-dirs ${VECTRA_GENERATED_DIR}/boot_manifest_includes.txt
        RESULT_VARIABLE result ERROR_VARIABLE errors)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${errors}")
    endif()
    file(GLOB footprints ${CMAKE_SOURCE_DIR}/services/*/*footprint.json ${CMAKE_SOURCE_DIR}/apps/*/*footprint.json
        ${CMAKE_SOURCE_DIR}/components/*/*footprint.json)
    add_custom_command(OUTPUT ${output}
        COMMAND ${command}
        DEPENDS ${manifest} ${compiler} ${footprints}
        COMMENT "Checking and compiling the boot manifest of ${VECTRA_IMAGE}")
    target_sources(vectra_initd PRIVATE ${output})
    # The generated data names each connection's schema constants, declared in the headers of the
    # components whose footprints describe those schemas.
    file(READ ${VECTRA_GENERATED_DIR}/boot_manifest_includes.txt schema_includes)
    target_include_directories(vectra_initd PRIVATE ${schema_includes})
endfunction()
