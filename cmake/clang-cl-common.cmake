# Shared part of the clang-cl toolchain files: MSVC mode (clang-cl 14, lld-link, llvm-lib,
# llvm-rc) on Linux, with Wine's SDK and CRT headers standing in for the Windows SDK and
# Wine's import libraries for the SDK's .lib files. ESH_CLANG_TARGET (the triple) and
# ESH_WINE_PE_LIBS (Wine's PE import-library folder for this arch, "" if none) and
# ESH_CLANG_C_FLAGS / ESH_CLANG_LINK_FLAGS are set by the caller. See docs/windows-builds.md for what differs from a real MSVC build and why.
set(CMAKE_SYSTEM_NAME Windows)
set(_llvm /usr/lib/llvm-14/bin)
set(CMAKE_C_COMPILER ${_llvm}/clang-cl)
set(CMAKE_C_COMPILER_TARGET ${ESH_CLANG_TARGET})
set(CMAKE_LINKER ${_llvm}/lld-link)
set(CMAKE_AR ${_llvm}/llvm-lib)
set(CMAKE_RC_COMPILER ${_llvm}/llvm-rc)
set(CMAKE_MT ${_llvm}/llvm-mt)

set(_wine_include /usr/include/wine/wine)
# esent.h: not in Wine's headers; MinGW-w64's (and the one header it includes, with
# __LONG32 from _mingw.h defined on the command line) stand in.
set(_sdk_include ${CMAKE_BINARY_DIR}/wine-sdk-include)
foreach(header esent.h _mingw_unicode.h)
  if(NOT EXISTS ${_sdk_include}/${header})
    file(MAKE_DIRECTORY ${_sdk_include})
    file(CREATE_LINK /usr/share/mingw-w64/include/${header} ${_sdk_include}/${header} SYMBOLIC)
  endif()
endforeach()
# /X: no INCLUDE environment; -imsvc: system headers (their warnings are not ours).
# /GS-: the security cookie lives in MSVC's static vcruntime, which Wine does not ship.
string(CONCAT _c_flags "/X -imsvc ${_wine_include}/msvcrt -imsvc ${_wine_include}/windows -imsvc ${_sdk_include} "
       "-DWINVER=0x0601 -D__LONG32=long /GS- ${ESH_CLANG_C_FLAGS}")
set(CMAKE_C_FLAGS_INIT "${_c_flags}")
set(CMAKE_RC_FLAGS_INIT "-I ${_wine_include}/windows")

# The SDK's libraries by their MSVC names (kernel32.lib ...): links to Wine's lib<name>.a,
# made once per build tree. The CRT is Wine's ucrtbase (its import library carries the
# mainCRTStartup entry); DLLs enter through Wine's DllMainCRTStartup (winecrt0).
if(ESH_WINE_PE_LIBS AND EXISTS ${ESH_WINE_PE_LIBS}/libkernel32.a)
  set(_sdk_lib ${CMAKE_BINARY_DIR}/wine-sdk-lib)
  if(NOT EXISTS ${_sdk_lib}/kernel32.lib)
    file(MAKE_DIRECTORY ${_sdk_lib})
    file(GLOB _wine_libs ${ESH_WINE_PE_LIBS}/lib*.a)
    foreach(lib ${_wine_libs})
      get_filename_component(name ${lib} NAME_WE)
      string(REGEX REPLACE "^lib" "" name ${name})
      file(CREATE_LINK ${lib} ${_sdk_lib}/${name}.lib SYMBOLIC)
    endforeach()
  endif()
  # esent.lib: Wine has no import library for its (stub) esent.dll; MinGW-w64's serves.
  if(NOT EXISTS ${_sdk_lib}/esent.lib)
    file(CREATE_LINK /usr/${ESH_MINGW_TRIPLET}/lib/libesent.a ${_sdk_lib}/esent.lib SYMBOLIC)
  endif()
  # The export-table check (tests/shim/check_exports.py) reads objdump -p's format.
  set(CMAKE_OBJDUMP /usr/bin/${ESH_MINGW_TRIPLET}-objdump)
  set(_link "/libpath:${_sdk_lib} /nodefaultlib ${ESH_CLANG_LINK_FLAGS}")
  # The pieces of MSVC's static CRT Wine lacks (_fltused, TLS support): EsentHarness.cmake
  # links every target with cmake/clang-cl-wine-crt.c.
  set(ESH_WINE_CRT_SUPPORT ON)
  set(CMAKE_EXE_LINKER_FLAGS_INIT "${_link} /entry:mainCRTStartup ucrtbase.lib")
  set(CMAKE_SHARED_LINKER_FLAGS_INIT "${_link} /entry:DllMainCRTStartup winecrt0.lib ucrtbase.lib")
  set(CMAKE_MODULE_LINKER_FLAGS_INIT "${CMAKE_SHARED_LINKER_FLAGS_INIT}")
else()
  # No import libraries for this arch here: compile and archive only (see docs/windows-builds.md).
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
  set(ESH_COMPILE_ONLY ON)
  set(CMAKE_EXPORT_COMPILE_COMMANDS ON) # ci/compile-only.py compiles from it
endif()

set(ESH_CMOCKA_PREFIX /opt/esent-harness-deps/${ESH_CLANG_TARGET})
if(DEFINED ENV{ESH_DEPS})
  set(ESH_CMOCKA_PREFIX $ENV{ESH_DEPS}/${ESH_CLANG_TARGET})
endif()
list(APPEND CMAKE_FIND_ROOT_PATH ${ESH_CMOCKA_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
