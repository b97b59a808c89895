# The C API's consumers (included from the top-level CMakeLists.txt): a strict C99 program
# against the static library (and the shared one with N2D_SHARED), a C++ program without
# exceptions or RTTI, the Python ctypes script, and the check that libn2d.so exports only n2d_*.
enable_language(C)
set(N2D_EXAMPLES_OUT ${PROJECT_BINARY_DIR}/examples)

function(n2d_c_example name lib)
  add_executable(${name} ${PROJECT_SOURCE_DIR}/examples/c/capi_demo.c)
  set_target_properties(${name} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF
                                           LINKER_LANGUAGE CXX RUNTIME_OUTPUT_DIRECTORY ${N2D_EXAMPLES_OUT})
  target_compile_options(${name} PRIVATE "$<$<NOT:$<C_COMPILER_ID:MSVC>>:-Wall;-Wextra;-Werror;-pedantic>")
  target_link_libraries(${name} PRIVATE ${lib} n2d_build_flags $<$<NOT:$<PLATFORM_ID:Windows>>:m>)
  add_test(NAME ${name} COMMAND ${name} ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(${name} PROPERTIES TIMEOUT 600)
endfunction()

n2d_c_example(example_capi_static n2d)

# The README's 15-line program, built with the same strict C99 flags; it saves into the build folder.
add_executable(example_c_minimal ${PROJECT_SOURCE_DIR}/examples/c/minimal.c)
set_target_properties(example_c_minimal PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF
                                                   LINKER_LANGUAGE CXX RUNTIME_OUTPUT_DIRECTORY ${N2D_EXAMPLES_OUT})
target_compile_options(example_c_minimal PRIVATE "$<$<NOT:$<C_COMPILER_ID:MSVC>>:-Wall;-Wextra;-Werror;-pedantic>")
target_link_libraries(example_c_minimal PRIVATE n2d n2d_build_flags $<$<NOT:$<PLATFORM_ID:Windows>>:m>)
add_test(NAME example_c_minimal COMMAND example_c_minimal WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(example_c_minimal PROPERTIES TIMEOUT 600)

add_executable(example_capi_nox ${PROJECT_SOURCE_DIR}/examples/c/nox.cpp)
target_compile_options(example_capi_nox PRIVATE "$<IF:$<CXX_COMPILER_ID:MSVC>,/EHs-c-;/GR-,-fno-exceptions;-fno-rtti>")
target_link_libraries(example_capi_nox PRIVATE n2d n2d_build_flags)
set_target_properties(example_capi_nox PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${N2D_EXAMPLES_OUT})
add_test(NAME example_capi_nox COMMAND example_capi_nox)
set_tests_properties(example_capi_nox PROPERTIES TIMEOUT 600)

if(N2D_SHARED)
  n2d_c_example(example_capi_shared n2d_shared)
  find_program(N2D_NM NAMES nm)
  if(N2D_NM AND CMAKE_SYSTEM_NAME MATCHES "Linux|BSD")
    add_test(NAME capi_exports COMMAND ${CMAKE_COMMAND} -DNM=${N2D_NM} -DLIB=$<TARGET_FILE:n2d_shared>
                                       -P ${PROJECT_SOURCE_DIR}/examples/c/check_exports.cmake)
  endif()
  find_package(Python3 COMPONENTS Interpreter QUIET)
  if(Python3_Interpreter_FOUND)
    add_test(NAME example_python_ctypes
             COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/examples/python/n2d_ctypes.py
                     $<TARGET_FILE:n2d_shared>)
    set_tests_properties(example_python_ctypes PROPERTIES TIMEOUT 600)
  else()
    message(STATUS "python3 not found: the ctypes example is not tested")
  endif()
endif()
