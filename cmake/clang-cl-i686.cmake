# Windows x86 in MSVC mode with clang-cl on Linux (cmake/clang-cl-common.cmake). Wine's
# i386 import libraries come from libwine-dev in the i386 root (ci/i386-root.sh).
set(CMAKE_SYSTEM_PROCESSOR X86)
set(ESH_CLANG_TARGET i686-pc-windows-msvc)
if(DEFINED ENV{ESH_DEPS})
  set(ESH_WINE_PE_LIBS $ENV{ESH_DEPS}/i386-root/usr/lib/i386-linux-gnu/wine/i386-windows)
else()
  set(ESH_WINE_PE_LIBS /opt/esent-harness-deps/i386-root/usr/lib/i386-linux-gnu/wine/i386-windows)
endif()
# Wine's import libraries are made by GNU tools, without SAFESEH tables. ntdll.lib: the x86
# compiler helpers (_chkstk, _aulldiv ...), which ntdll exports as on Windows.
set(ESH_CLANG_LINK_FLAGS "/safeseh:no ntdll.lib")
set(ESH_MINGW_TRIPLET i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/clang-cl-common.cmake)
