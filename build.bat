@echo off
rem build.bat: build esent-harness on Windows for x64 and x86, run every test, and print
rem where the binaries are. Exit code 0 only when every build and test passed.
rem
rem   build.bat           MSVC when vswhere finds Visual Studio with the C++ tools, else MinGW gcc on PATH
rem   build.bat mingw     MinGW gcc on PATH even when Visual Studio is installed
rem
rem Dependencies
rem   MSVC:  Visual Studio 2022 or its Build Tools with "Desktop development with C++" - it brings
rem          cl, CMake and Ninja. cmocka comes from vcpkg through the manifest vcpkg.json, installed at
rem          configure time: vcpkg is VCPKG_ROOT if set, else the copy bundled with Visual Studio
rem          - VC\vcpkg - else VCPKG_INSTALLATION_ROOT (kept across VsDevCmd, which would set
rem          its own). vcpkg.json pins the port versions with builtin-baseline (cmocka 2.0.2).
rem          Presets msvc-x64 and msvc-x86, triplets x64-windows-static and x86-windows-static,
rem          static CRT.
rem   MinGW: MSYS2 with, for x64 (UCRT64),
rem            pacman -S mingw-w64-ucrt-x86_64-gcc mingw-w64-ucrt-x86_64-cmake mingw-w64-ucrt-x86_64-ninja
rem                      mingw-w64-ucrt-x86_64-cmocka mingw-w64-ucrt-x86_64-python
rem          and the mingw-w64-i686-* packages for x86; MSYS2's ucrt64\bin on PATH. Preset
rem          msys2-mingw; the x86 build uses the mingw32\bin beside it when that exists.
rem Binaries: build\PRESET\harness\esent-harness.exe, build\PRESET\shim\esentshim.dll and
rem           build\PRESET\model\esentmodel.dll.
rem Then the suite against this machine's own esent.dll:
rem   build\msvc-x64\harness\esent-harness.exe run --results results.txt --junit junit.xml scenarios

setlocal EnableExtensions
cd /d "%~dp0"
set "ROOT=%~dp0"
set "FAILED=0"
set "BUILT="

if /i "%~1"=="mingw" goto :mingw
if not "%~1"=="" goto :usage

set "VSWHERE=%ProgramFiles(x86)%\Microsoft Visual Studio\Installer\vswhere.exe"
if not exist "%VSWHERE%" goto :mingw
set "VSINSTALL="
for /f "usebackq delims=" %%i in (`"%VSWHERE%" -latest -products * -requires Microsoft.VisualStudio.Component.VC.Tools.x86.x64 -property installationPath`) do set "VSINSTALL=%%i"
if not defined VSINSTALL goto :mingw

if not defined VCPKG_ROOT if exist "%VSINSTALL%\VC\vcpkg\vcpkg.exe" set "VCPKG_ROOT=%VSINSTALL%\VC\vcpkg"
if not defined VCPKG_ROOT if defined VCPKG_INSTALLATION_ROOT set "VCPKG_ROOT=%VCPKG_INSTALLATION_ROOT%"
if not defined VCPKG_ROOT goto :no_vcpkg
set "ESH_VCPKG_ROOT=%VCPKG_ROOT%"

set "HOSTARCH=amd64"
if /i "%PROCESSOR_ARCHITECTURE%"=="ARM64" set "HOSTARCH=arm64"
echo build.bat: MSVC from %VSINSTALL%, vcpkg %VCPKG_ROOT%
call :msvc x64 amd64
call :msvc x86 x86
goto :done

rem ---- MSVC: %1 preset arch, %2 VsDevCmd target arch; a fresh environment per arch ----
:msvc
setlocal
call "%VSINSTALL%\Common7\Tools\VsDevCmd.bat" -no_logo -arch=%2 -host_arch=%HOSTARCH%
rem VsDevCmd points VCPKG_ROOT at Visual Studio's bundled copy: keep the one chosen above.
set "VCPKG_ROOT=%ESH_VCPKG_ROOT%"
rem VsDevCmd's exit code is not reliable; the compiler on PATH is what counts.
where cl >nul 2>nul || goto :msvc_env_failed
call :build_and_test msvc-%1 build\msvc-%1
endlocal & set "FAILED=%FAILED%" & set "BUILT=%BUILT%"
exit /b 0
:msvc_env_failed
echo === msvc-%1: VsDevCmd.bat -arch=%2 failed
endlocal & set "FAILED=1"
exit /b 1

rem ---- MinGW gcc on PATH, MSYS2 layout ----
:mingw
set "GCC="
for %%g in (gcc.exe) do set "GCC=%%~$PATH:g"
if not defined GCC goto :no_toolchain
for %%g in ("%GCC%") do set "GCCDIR=%%~dpg"
set "TARGET="
for /f "delims=" %%t in ('gcc -dumpmachine') do set "TARGET=%%t"
echo build.bat: MinGW gcc %GCC%, target %TARGET%
call :build_and_test msys2-mingw build\msys2-mingw
if /i not "%TARGET:~0,6%"=="x86_64" goto :done
if not exist "%GCCDIR%..\..\mingw32\bin\gcc.exe" goto :mingw_no_x86
setlocal
set "PATH=%GCCDIR%..\..\mingw32\bin;%PATH%"
call :build_and_test msys2-mingw build\msys2-mingw32
endlocal & set "FAILED=%FAILED%" & set "BUILT=%BUILT%"
goto :done
:mingw_no_x86
echo build.bat: no mingw32\bin\gcc.exe beside %GCCDIR%: x86 not built - install the mingw-w64-i686-* packages
set "FAILED=1"
goto :done

rem ---- %1 configure preset, %2 binary dir ----
:build_and_test
echo === %1 in %2: configure
cmake --preset %1 -B %2
if errorlevel 1 goto :step_failed
echo === %1 in %2: build
cmake --build %2
if errorlevel 1 goto :step_failed
echo === %1 in %2: test
ctest --test-dir %2 --timeout 300 --output-on-failure
if errorlevel 1 set "FAILED=1"
set "BUILT=%BUILT% %2"
exit /b 0
:step_failed
echo === %1 in %2: FAILED
set "FAILED=1"
exit /b 1

:done
echo.
echo Binaries:
for %%d in (%BUILT%) do call :list_binaries %%d
if "%FAILED%"=="1" goto :failed
echo build.bat: every build and test passed
exit /b 0

:list_binaries
for %%f in (harness\esent-harness.exe shim\esentshim.dll model\esentmodel.dll) do if exist "%~1\%%f" echo   %ROOT%%~1\%%f
exit /b 0

:failed
echo build.bat: FAILED - see the output above
exit /b 1

:no_vcpkg
echo build.bat: vcpkg not found - set VCPKG_ROOT, or install the vcpkg component of Visual Studio 2022
exit /b 1

:no_toolchain
echo build.bat: neither Visual Studio with the C++ tools - found by vswhere - nor MinGW gcc on PATH.
echo See the top of build.bat for what to install.
exit /b 1

:usage
echo usage: build.bat [mingw]
exit /b 2
