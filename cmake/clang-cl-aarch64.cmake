# Windows arm64 in MSVC mode with clang-cl on Linux (cmake/clang-cl-common.cmake). Debian
# has no arm64 Windows import libraries: this build compiles and archives, and does not link.
set(CMAKE_SYSTEM_PROCESSOR ARM64)
set(ESH_CLANG_TARGET aarch64-pc-windows-msvc)
set(ESH_WINE_PE_LIBS "")
# Wine's winnt.h defines InterlockedCompareExchange128 under the name of a clang builtin
# for arm64 ("definition of builtin function"): give its inline function another name.
set(ESH_CLANG_C_FLAGS "/D_InterlockedCompareExchange128=esh_wine_InterlockedCompareExchange128")
set(ESH_MINGW_TRIPLET "")
include(${CMAKE_CURRENT_LIST_DIR}/clang-cl-common.cmake)
