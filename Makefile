# ci-toolchain: top-level driver. `make demo` and `make test` are the two quick-start commands.
JOBS ?= $(shell nproc)
BUILD ?= build
BUILD_TYPE ?= Release
CMAKE_FLAGS ?=
CTEST_FLAGS ?=

.PHONY: all deps configure build test test-asan torture demo bench fuzz clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCI_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	scripts/run-tests.sh $(BUILD) $(CTEST_FLAGS)

test-asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCI_SANITIZE=ON -DCI_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build build-asan -j $(JOBS)
	scripts/run-tests.sh build-asan $(CTEST_FLAGS)

# Long crash-recovery and simulation runs (1,000 SIGKILL points, 20,000 seeds).
torture: build
	CI_RUNTIME_CRASH_POINTS=1000 $(BUILD)/bin/test_runtime --gtest_filter='Crash.*:CiCrash.*'
	CI_RUNTIME_SIM_SEEDS=20000 $(BUILD)/bin/test_runtime --gtest_filter='Simulation.*:CiSimulation.*'

demo: build
	scripts/demo.sh $(BUILD)

bench: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCI_BENCH=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	scripts/run-bench.sh $(BUILD)

fuzz: deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCI_FUZZ=ON -DCI_BENCH=OFF -DCI_SANITIZE=ON -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
	  -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link $(CMAKE_FLAGS)
	cmake --build build-fuzz -j $(JOBS)
	scripts/run-fuzz.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-asan build-fuzz
