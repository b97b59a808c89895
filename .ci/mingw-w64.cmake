# CMake toolchain for cross-compiling n2d to Windows x86-64 with Debian's MinGW-w64
# (g++-mingw-w64-x86-64). The posix-threads flavour is the one with std::thread.
# Use: cmake -S . -B build-windows --toolchain .ci/mingw-w64.cmake (see .ci/cross-windows).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(N2D_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${N2D_MINGW_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${N2D_MINGW_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER ${N2D_MINGW_PREFIX}-windres)

# Look for libraries and headers in the MinGW sysroot only, never in the host's /usr.
set(CMAKE_FIND_ROOT_PATH /usr/${N2D_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static libgcc, libstdc++ and winpthread: the .exe files then run without MinGW's DLLs
# (on Windows or under wine).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# ctest runs the test programs through wine when it is installed.
find_program(N2D_WINE NAMES wine64 wine)
if(N2D_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${N2D_WINE})
endif()
