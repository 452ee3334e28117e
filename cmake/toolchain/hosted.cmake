# The hosted platform: a Linux process built with Debian's clang and linked against Debian's
# -dev packages ({fmt}, Boost.Context).
set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(VECTRA_FREESTANDING OFF)
