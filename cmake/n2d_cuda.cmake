# The CUDA backend (N2D_CUDA=ON): n2d/device/cuda/kernels.cu is compiled by nvcc at build time
# into a fatbin — PTX for a low virtual architecture, which the driver JIT-compiles for any newer
# GPU, plus SASS for the common data-centre ones — and embedded in the library as a byte array.
# The driver API is loaded at run time (dlopen), so nothing links against CUDA: CUDA is not
# enabled as a language and the CUDA runtime is not used. Sets N2D_CUDA_SOURCES.
set(N2D_CUDA_PTX_ARCH 75 CACHE STRING "Virtual architecture of the embedded PTX (compute_XX; the lowest one nvcc supports)")
set(N2D_CUDA_SASS_ARCHS "80;90" CACHE STRING "Real architectures (sm_XX) the fatbin also carries compiled code for")

if(CMAKE_CUDA_COMPILER)
  set(N2D_NVCC ${CMAKE_CUDA_COMPILER})
else()
  find_program(N2D_NVCC nvcc HINTS ENV CUDA_PATH ENV CUDA_HOME /usr/local/cuda PATH_SUFFIXES bin)
endif()
if(NOT N2D_NVCC)
  message(FATAL_ERROR "N2D_CUDA=ON but nvcc was not found: install the CUDA toolkit, pass "
                      "-DCMAKE_CUDA_COMPILER=/path/to/nvcc, or configure with -DN2D_CUDA=OFF")
endif()

set(N2D_CUDA_GENCODE -gencode=arch=compute_${N2D_CUDA_PTX_ARCH},code=compute_${N2D_CUDA_PTX_ARCH})
foreach(arch ${N2D_CUDA_SASS_ARCHS})
  list(APPEND N2D_CUDA_GENCODE -gencode=arch=compute_${arch},code=sm_${arch})
endforeach()

set(N2D_CUDA_KERNELS ${PROJECT_SOURCE_DIR}/n2d/device/cuda/kernels.cu)
set(N2D_CUDA_FATBIN ${PROJECT_BINARY_DIR}/n2d_cuda/kernels.fatbin)
set(N2D_CUDA_EMBED ${PROJECT_BINARY_DIR}/n2d_cuda/cuda_kernels.cpp)
add_custom_command(
  OUTPUT ${N2D_CUDA_FATBIN}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/n2d_cuda
  # Device code only: the host compiler merely preprocesses, so its version does not matter.
  COMMAND ${N2D_NVCC} -fatbin -O3 -std=c++17 -allow-unsupported-compiler ${N2D_CUDA_GENCODE} -o ${N2D_CUDA_FATBIN}
          ${N2D_CUDA_KERNELS}
  DEPENDS ${N2D_CUDA_KERNELS}
  COMMENT "nvcc: CUDA kernels → fatbin (compute_${N2D_CUDA_PTX_ARCH} PTX; sm ${N2D_CUDA_SASS_ARCHS})"
  VERBATIM)
add_custom_command(
  OUTPUT ${N2D_CUDA_EMBED}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${N2D_CUDA_FATBIN} -DOUTPUT=${N2D_CUDA_EMBED} -DSYMBOL=kernel_image
          -P ${PROJECT_SOURCE_DIR}/cmake/n2d_embed.cmake
  DEPENDS ${N2D_CUDA_FATBIN} ${PROJECT_SOURCE_DIR}/cmake/n2d_embed.cmake
  COMMENT "Embedding the CUDA kernels"
  VERBATIM)
set(N2D_CUDA_SOURCES ${N2D_CUDA_EMBED})
message(STATUS "n2d: CUDA backend on (nvcc: ${N2D_NVCC})")
