# The Makefile drives CMake. `make` builds Release into build/ (build/libn2d.a, build/n2d);
# `make test` installs what the tests need, builds them and runs them; `make sanitize` runs
# them under ASan+UBSan, `make tsan` under ThreadSanitizer; `make fuzz` builds the libFuzzer
# harnesses and `make fuzz-smoke` runs each briefly (tests/fuzz/FUZZING.md); `make bench`
# builds the benchmarks; `make demo` runs the demo.
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
WERROR   ?= OFF
CMAKE_FLAGS ?=
CTEST_FLAGS ?=

configure = cmake -S . -B $(1) -DN2D_WERROR=$(WERROR) $(CMAKE_FLAGS) $(2) >/dev/null

.PHONY: all test sanitize tsan valgrind static cuda clang fuzz fuzz-seeds fuzz-smoke bench demo deps deps-bench deps-clang clean

all:
	@$(call configure,$(BUILD),-DCMAKE_BUILD_TYPE=Release -DN2D_UNITY_BUILD=ON)
	cmake --build $(BUILD) -j $(JOBS) --target n2d n2d_cli

# N2D_SHARED: also libn2d.so, so the C API's shared-library, symbol and Python tests run.
test: deps
	@$(call configure,$(BUILD),-DCMAKE_BUILD_TYPE=Release -DN2D_BUILD_TESTS=ON -DN2D_SHARED=ON -DN2D_UNITY_BUILD=ON)
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure $(CTEST_FLAGS)

# Every build but this one compiles the library as unity batches (fast clean builds, as CI's
# are); the sanitizer build stays file by file, so CI still checks that each .cpp compiles on
# its own (its includes, and internal names that only clash or resolve inside a batch).
# PoCL (the CPU OpenCL the device tests run on) compiles kernels with an embedded clang that
# frees operator-new memory, and keeps its allocations until exit: neither is ours.
POCL_ASAN = alloc_dealloc_mismatch=0
sanitize: deps
	@$(call configure,$(BUILD)-sanitize,-DCMAKE_BUILD_TYPE=RelWithDebInfo -DN2D_SANITIZE=ON -DN2D_BUILD_TESTS=ON -DN2D_BUILD_EXAMPLES=OFF)
	cmake --build $(BUILD)-sanitize -j $(JOBS)
	N2D_TEST_QUICK=1 ASAN_OPTIONS=detect_leaks=1:$(POCL_ASAN) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitize/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir $(BUILD)-sanitize --output-on-failure $(CTEST_FLAGS)

# The tests under ThreadSanitizer (clang, quick mode); part of .ci/run.
tsan: deps deps-clang
	@$(call configure,$(BUILD)-tsan,-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DN2D_SANITIZE_THREAD=ON -DN2D_UNITY_BUILD=ON -DN2D_BUILD_TESTS=ON -DN2D_BUILD_EXAMPLES=OFF -DN2D_INSTALL=OFF)
	cmake --build $(BUILD)-tsan -j $(JOBS)
	N2D_TEST_QUICK=1 TSAN_OPTIONS=halt_on_error=1 ctest --test-dir $(BUILD)-tsan --output-on-failure $(CTEST_FLAGS)

# A fully static CLI (no shared library at all, libc included) at build-static/n2d, checked.
static:
	@$(call configure,build-static,-DCMAKE_BUILD_TYPE=Release -DN2D_STATIC_CLI=ON -DN2D_UNITY_BUILD=ON -DN2D_BUILD_TESTS=OFF -DN2D_BUILD_EXAMPLES=OFF -DN2D_INSTALL=OFF)
	cmake --build build-static -j $(JOBS) --target n2d_cli
	@ldd build-static/n2d 2>&1 | grep -q "not a dynamic executable" || { echo "build-static/n2d is not fully static:"; ldd build-static/n2d; exit 1; }
	./build-static/n2d fit synthetic --epochs 1 --json > build-static/fit.json 2> build-static/fit.log || { cat build-static/fit.log; exit 1; }
	./build-static/n2d info > build-static/info.txt  # lists the GPU backends as unavailable, never crashes on dlopen
	@echo "build-static/n2d: fully static, runs"

# The CUDA backend (needs nvcc; no GPU needed): build the CLI and the device tests with
# -DN2D_CUDA=ON, check that n2d links no CUDA library, run the device tests (the CUDA kernels
# run on the host against the CPU device; a GPU, when present, runs the parity suite).
NVCC ?= $(firstword $(wildcard /usr/local/cuda/bin/nvcc) $(shell command -v nvcc))
cuda: deps
	@test -n "$(NVCC)" || { echo "make cuda: nvcc not found (set NVCC=/path/to/nvcc)"; exit 1; }
	@$(call configure,build-cuda,-DCMAKE_BUILD_TYPE=Release -DN2D_CUDA=ON -DCMAKE_CUDA_COMPILER=$(NVCC) -DN2D_UNITY_BUILD=ON -DN2D_BUILD_TESTS=ON -DN2D_BUILD_EXAMPLES=OFF -DN2D_INSTALL=OFF)
	cmake --build build-cuda -j $(JOBS) --target n2d_cli test_device
	@! ldd build-cuda/n2d | grep -Ei 'libcuda|libcudart|libnvrtc' || { echo "build-cuda/n2d links a CUDA library"; exit 1; }
	./build-cuda/n2d info | grep -E '^ +cuda'
	N2D_TEST_QUICK=1 ./build-cuda/test_device
	@echo "build-cuda/n2d: CUDA backend built, no link-time CUDA dependency"

# The tests built with clang (warnings as errors when WERROR=ON).
clang: deps
	@$(call configure,$(BUILD)-clang,-DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ -DN2D_BUILD_TESTS=ON)
	cmake --build $(BUILD)-clang -j $(JOBS)
	N2D_TEST_QUICK=1 ctest --test-dir $(BUILD)-clang --output-on-failure $(CTEST_FLAGS)

# The file readers' and the model loader's tests under Valgrind's memcheck (uninitialised reads,
# leaks, invalid accesses in Release code that ASan cannot see without instrumentation; MSan
# would need an instrumented C++ standard library). Minutes, so not part of .ci/run.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
valgrind: deps
	@command -v valgrind >/dev/null || { echo "valgrind: installing (apt)"; apt-get install -y -qq valgrind >/dev/null; }
	@$(call configure,$(BUILD),-DCMAKE_BUILD_TYPE=Release -DN2D_BUILD_TESTS=ON)
	cmake --build $(BUILD) -j $(JOBS) --target test_data test_model
	N2D_TEST_QUICK=1 $(VALGRIND) $(BUILD)/test_data
	N2D_TEST_QUICK=1 $(VALGRIND) $(BUILD)/test_model

# libFuzzer harnesses (clang, ASan+UBSan, coverage on the whole library) in build-fuzz/fuzz/.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
fuzz: deps-clang
	@$(call configure,$(FUZZ_BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DN2D_BUILD_FUZZ=ON -DN2D_UNITY_BUILD=ON -DN2D_BUILD_TESTS=OFF -DN2D_BUILD_CLI=OFF -DN2D_BUILD_EXAMPLES=OFF -DN2D_INSTALL=OFF)
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

# Rewrites the committed seed corpora (only needed when a file format changes).
fuzz-seeds: fuzz
	rm -rf tests/fuzz/corpus && ./$(FUZZ_BUILD)/fuzz/make_seeds tests/fuzz/corpus

# Each harness for FUZZ_SECONDS over a copy of its corpus (the committed seeds stay as they
# are); any crash, sanitizer report, uncaught non-n2d::Error, timeout or allocation over the
# limits fails (the reproducer is left in $(FUZZ_BUILD)/smoke/).
fuzz-smoke: fuzz
	tests/fuzz/smoke $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: deps-bench
	@$(call configure,$(BUILD),-DCMAKE_BUILD_TYPE=Release -DN2D_BUILD_BENCH=ON)
	cmake --build $(BUILD) -j $(JOBS)
	@echo "benchmarks built in $(BUILD)/bench/ (see bench/README.md)"

demo: all
	./$(BUILD)/n2d fit synthetic --eval-all --plot demo.png

# $(call need,PACKAGE,FILE): installs Debian PACKAGE when FILE is missing (as root), else
# stops with the one command to run.
need = test -e $(2) || { \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
    echo "installing $(1)"; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null 2>&1 || \
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; }; \
  else echo "$(2) is missing; install it with:  sudo apt-get install $(1)" >&2; exit 1; fi; }

deps:
	@$(call need,doctest-dev,/usr/include/doctest/doctest.h)

deps-clang:
	@$(call need,clang,/usr/bin/clang++)

deps-bench:
	@$(call need,libbenchmark-dev,/usr/include/benchmark/benchmark.h)

clean:
	rm -rf $(BUILD) build-cuda $(BUILD)-sanitize $(BUILD)-tsan $(BUILD)-clang build-static $(FUZZ_BUILD)
