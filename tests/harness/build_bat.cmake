# Runs build.bat's MinGW path under Wine with stand-in tools (fake_tool.exe copied as gcc,
# cmake and ctest into an MSYS2-like tree) and checks what it ran and printed.
#   cmake -DWINE=... -DFAKE_TOOL=... -DBUILD_BAT=... -DWORK=DIR [-DFAIL=TOOL] -DEXPECT_EXIT=N
#         -DEXPECT_OUTPUT=REGEX -DEXPECT_LOG=REGEX -P build_bat.cmake
file(REMOVE_RECURSE "${WORK}")
foreach(folder mingw64 mingw32)
  file(MAKE_DIRECTORY "${WORK}/msys64/${folder}/bin")
  foreach(tool gcc cmake ctest)
    file(COPY_FILE "${FAKE_TOOL}" "${WORK}/msys64/${folder}/bin/${tool}.exe")
  endforeach()
endforeach()
# A copy of build.bat in its own folder, so its build\ tree is made there.
file(MAKE_DIRECTORY "${WORK}/checkout")
file(COPY_FILE "${BUILD_BAT}" "${WORK}/checkout/build.bat")

function(windows_path out path)
  string(REPLACE "/" "\\" p "Z:${path}")
  set(${out} "${p}" PARENT_SCOPE)
endfunction()
windows_path(bin "${WORK}/msys64/mingw64/bin")
windows_path(log "${WORK}/tools.log")
set(ENV{WINEPATH} "${bin}")
set(ENV{FAKE_TOOL_LOG} "${log}")
set(ENV{FAKE_TOOL_FAIL} "${FAIL}")
execute_process(COMMAND "${WINE}" cmd /c build.bat mingw WORKING_DIRECTORY "${WORK}/checkout"
                INPUT_FILE /dev/null RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
file(READ "${WORK}/tools.log" tools)
message("${out}${err}--- tools run:\n${tools}")
if(NOT "${rc}" STREQUAL "${EXPECT_EXIT}")
  message(FATAL_ERROR "build.bat exit code ${rc}, expected ${EXPECT_EXIT}")
endif()
if(NOT "${out}" MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "output does not match '${EXPECT_OUTPUT}'")
endif()
if(NOT "${tools}" MATCHES "${EXPECT_LOG}")
  message(FATAL_ERROR "tools run do not match '${EXPECT_LOG}'")
endif()
