# Thin targets over scripts/ and CMake. See README.md.
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)
RELEASE := build/release
DEBUG := build/debug-asan

.PHONY: deps build test demo bench lint format install clean fuzz

deps:
	@scripts/install-deps

build: deps
	@scripts/build $(RELEASE) Release

test: deps
	@scripts/test

demo: build
	@scripts/demo $(RELEASE)/cli/dagport

bench: build
	@scripts/bench $(RELEASE)

fuzz: deps
	@scripts/fuzz

lint: build
	@scripts/lint $(RELEASE)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

install: build
	cmake --install $(RELEASE) --prefix $(PREFIX)

clean:
	rm -rf build
