# Bare-metal x86_64 images: Debian's clang + lld with the x86_64-linux-gnu triple, which finds
# Debian's libstdc++ and libc headers for the architecture without hand-written paths.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(VECTRA_TARGET_TRIPLE x86_64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/clang-freestanding.cmake)
