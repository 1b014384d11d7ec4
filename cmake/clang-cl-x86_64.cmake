# Windows x64 in MSVC mode with clang-cl on Linux (cmake/clang-cl-common.cmake).
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(ESH_CLANG_TARGET x86_64-pc-windows-msvc)
set(ESH_WINE_PE_LIBS /usr/lib/x86_64-linux-gnu/wine/x86_64-windows)
set(ESH_MINGW_TRIPLET x86_64-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/clang-cl-common.cmake)
