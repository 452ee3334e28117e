# Bare-metal aarch64 images: Debian's clang + lld with the aarch64-linux-gnu triple; the
# aarch64 headers and libgcc.a come from Debian's g++-aarch64-linux-gnu.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(VECTRA_TARGET_TRIPLE aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/clang-freestanding.cmake)
