# anysock build and test entry points. `make test` is the one command that
# checks everything: static checks, host tests with -race, short fuzz runs,
# cross-architecture builds, then the real-kernel suites inside a VM.

GO        ?= go
# An execution count, not a duration: Go 1.26's fuzz coordinator can report
# a spurious "context deadline exceeded" failure when a duration-based
# -fuzztime expires while a worker is busy (golang/go#75804, fixed in 1.27).
FUZZTIME  ?= 100000x
export GOFLAGS ?=

.PHONY: test check vet fmt test-host fuzz cross test-vm bench deps

test: deps check cross test-host fuzz test-vm

# Peer programs are installed by deps: a missing one fails the tests.
test test-host test-vm: export ANYSOCK_REQUIRE_PEERS = 1
test-host: deps

# Installs qemu, the peer programs and Debian's python3 (apt-get; without
# root it prints the command to run and fails) and fetches the VM tests'
# kernel into .cache/vmtest. See .ci/setup.
deps:
	@bash .ci/setup

# Real-kernel suites: every package whose tests import internal/vmtest runs
# inside a QEMU guest; PKG=./families/can runs one. See TESTING.md.
test-vm: deps
	@bash .ci/test-vm $(PKG)

check: vet fmt

vet:
	$(GO) vet ./...

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt: not formatted:"; echo "$$out"; exit 1; fi

# Struct layouts (msghdr, iovec, sockaddrs) differ on 32-bit and arm64.
cross:
	GOARCH=386 $(GO) build ./...
	GOARCH=arm64 $(GO) build ./...
	GOOS=darwin GOARCH=arm64 $(GO) build ./...

test-host:
	$(GO) test -race -count=1 -timeout 10m ./...

# Every Fuzz target of every package runs for FUZZTIME on top of its
# committed seed corpus (testdata/fuzz/...).
fuzz:
	@bash .ci/fuzz "$(FUZZTIME)"

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
