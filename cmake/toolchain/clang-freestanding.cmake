# Shared by the bare-metal toolchain files. Expects VECTRA_TARGET_TRIPLE.
set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET ${VECTRA_TARGET_TRIPLE})
set(CMAKE_CXX_COMPILER_TARGET ${VECTRA_TARGET_TRIPLE})
set(CMAKE_ASM_COMPILER_TARGET ${VECTRA_TARGET_TRIPLE})
# Compiler checks would try to link a hosted program; a static library is enough to probe.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(VECTRA_FREESTANDING ON)
