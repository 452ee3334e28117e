# vectra_boot_manifest(): compiles images/<image>/<CONFIG_IMAGE_MANIFEST> into C++ data for
# initd (<build>/generated/boot_manifest.cpp), after checking every Task's Bundle against the
# footprint its entry declares and the composition against the configuration: the manifest's
# `image` is its folder, every entry's component is enabled (its footprint's `kconfig` symbol)
# and registers the entry (`VECTRA_TASK_ENTRY(name);` in a source of the footprint's folder), and
# every memory grant holds the Kconfig sizes of the component it hosts (its footprint's `memory`).
#
# The compiler runs at configure time, so a bad composition fails configuration with one line
# naming the file, the field and the reason. The manifest, every footprint and the compiler are
# configure dependencies: editing any of them re-runs the configuration (and with
# it the checks), which rewrites boot_manifest.cpp only when its content changes, so Ninja
# recompiles exactly initd's manifest object and relinks.

# A build folder links one image (VECTRA_IMAGE, into vectra.elf) and, with VECTRA_SHARED_IMAGES,
# other images whose configuration is the same (each into images/<image>/vectra.elf): all objects
# but each image's boot manifest are shared. Each manifest is checked against this folder's
# configuration, so an image that needs anything else fails here, naming what.

function(vectra_boot_manifest image output)
    set(manifest ${CMAKE_SOURCE_DIR}/images/${image}/${CONFIG_IMAGE_MANIFEST})
    if(NOT EXISTS ${manifest})
        message(FATAL_ERROR "images/${image}/defconfig: CONFIG_IMAGE_MANIFEST: "
            "images/${image}/${CONFIG_IMAGE_MANIFEST} does not exist")
    endif()
    set(compiler ${CMAKE_SOURCE_DIR}/tools/manifest/compile.py)
    file(GLOB footprints CONFIGURE_DEPENDS
        ${CMAKE_SOURCE_DIR}/services/*/*footprint.json ${CMAKE_SOURCE_DIR}/apps/*/*footprint.json
        ${CMAKE_SOURCE_DIR}/components/*/*footprint.json)
    # A Task's "config" may name partitions of the image's disks.json (taskconfig.py, ADR 0037).
    set(disks)
    if(EXISTS ${CMAKE_SOURCE_DIR}/images/${image}/disks.json)
        set(disks ${CMAKE_SOURCE_DIR}/images/${image}/disks.json)
    endif()
    set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
        ${manifest} ${compiler} ${CMAKE_SOURCE_DIR}/tools/manifest/taskconfig.py ${CMAKE_SOURCE_DIR}/tools/manifest/messages.py ${footprints} ${disks})
    get_filename_component(folder ${output} DIRECTORY)
    # The image's data (ADR 0038 §3): files a MemCap slot names ("file"), made in the build folder by
    # images/<image>/make-data.sh once per build folder (a key is made here, never committed).
    set(data ${CMAKE_BINARY_DIR}/image-data/${image})
    set(make_data ${CMAKE_SOURCE_DIR}/images/${image}/make-data.sh)
    if(EXISTS ${make_data} AND NOT EXISTS ${data}/.made)
        execute_process(COMMAND sh ${make_data} ${data} RESULT_VARIABLE result ERROR_VARIABLE errors)
        if(NOT result EQUAL 0)
            vectra_fail_with_lines("images/${image}/make-data.sh failed: ${errors}")
        endif()
        file(TOUCH ${data}/.made)
    endif()
    execute_process(COMMAND ${VECTRA_PYTHON} ${compiler} --manifest ${manifest} --srctree ${CMAKE_SOURCE_DIR}
            --data-dir ${data}
            --output ${output} --image ${image} --config ${CMAKE_BINARY_DIR}/.config
            --include-dirs ${folder}/boot_manifest_includes.txt
            --linker-fragment ${folder}/domain_sections.ld
        RESULT_VARIABLE result ERROR_VARIABLE errors)
    if(NOT result EQUAL 0)
        vectra_fail_with_lines("${errors}")
    endif()
    # The image's manifest object: initd's headers and flags, and the include folders of the
    # components whose footprints describe the schemas its connections name.
    add_library(vectra_boot_manifest_${image} OBJECT ${output})
    set_target_properties(vectra_boot_manifest_${image} PROPERTIES VECTRA_MANIFEST_FOLDER ${folder})
    target_link_libraries(vectra_boot_manifest_${image} PRIVATE vectra_initd)
    file(READ ${folder}/boot_manifest_includes.txt schema_includes)
    target_include_directories(vectra_boot_manifest_${image} PRIVATE ${schema_includes})
endfunction()

# The boot manifest and the link of every image this folder builds.
function(vectra_images)
    if(NOT TARGET vectra_initd)
        vectra_link_image(vectra.elf ${CMAKE_BINARY_DIR} "")
        return()
    endif()
    vectra_boot_manifest(${VECTRA_IMAGE} ${VECTRA_GENERATED_DIR}/boot_manifest.cpp)
    vectra_link_image(vectra.elf ${CMAKE_BINARY_DIR} vectra_boot_manifest_${VECTRA_IMAGE})
    foreach(image IN LISTS VECTRA_SHARED_IMAGES)
        if(image STREQUAL VECTRA_IMAGE)
            continue()
        endif()
        vectra_boot_manifest(${image} ${VECTRA_GENERATED_DIR}/images/${image}/boot_manifest.cpp)
        vectra_link_image(vectra_image_${image} ${CMAKE_BINARY_DIR}/images/${image} vectra_boot_manifest_${image})
    endforeach()
endfunction()

# vectra_footprint_header(<component> <entry>): the component's own view of the footprint its entry
# declares, generated at configure time from that footprint.json (tools/manifest/footprint.py) as
# <vectra/footprints/<entry>.h>: `vectra::footprints::<entry>`, the slot list check_footprint()
# takes. Editing the footprint re-configures and rewrites the header (only when it changed).
function(vectra_footprint_header component entry)
    if(NOT TARGET vectra_${component})
        return()
    endif()
    set(generator ${CMAKE_SOURCE_DIR}/tools/manifest/footprint.py)
    set(folder ${VECTRA_GENERATED_DIR}/footprints)
    execute_process(COMMAND ${VECTRA_PYTHON} ${generator} --srctree ${CMAKE_SOURCE_DIR} --entry ${entry}
            --output ${folder}/vectra/footprints/${entry}.h
        RESULT_VARIABLE result OUTPUT_VARIABLE footprint ERROR_VARIABLE errors OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT result EQUAL 0)
        vectra_fail_with_lines("${errors}")
    endif()
    set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
        ${generator} ${CMAKE_SOURCE_DIR}/tools/manifest/compile.py ${CMAKE_SOURCE_DIR}/tools/manifest/taskconfig.py ${CMAKE_SOURCE_DIR}/tools/manifest/messages.py ${footprint})
    target_include_directories(vectra_${component} PRIVATE ${folder})
endfunction()
