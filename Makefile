# Porchlight. `make` lists the targets; each works on a fresh machine with Go installed. `make test`
# first installs the real test peers (ffmpeg, GStreamer's RTSP server) from Debian packages if missing.

GO       ?= go
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -s -w -X github.com/porchlight/porchlight/nvr.version=$(VERSION)
FUZZTIME ?= 10s
BENCHCPU ?= 1
# BENCHSKIP: benchmarks `make bench` leaves out. BenchmarkMotionAccuracy encodes ~60 clips on a fresh
# machine (~30 min); `make bench-accuracy` runs it, `make bench BENCHSKIP=` runs everything.
BENCHSKIP ?= ^BenchmarkMotionAccuracy$$

.DEFAULT_GOAL := help
.PHONY: help run deps test bench bench-accuracy lint build build-arm64 package fuzz clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: ## run the demo: the whole product on the embedded camera, no hardware needed
	$(GO) run ./cmd/porchlight demo

deps: ## install the real test peers (ffmpeg, gst-rtsp-server) from Debian packages if missing
	bash .ci/deps

test: deps ## install test peers if missing, go vet, then every test (unit, integration, interop, crash)
	$(GO) mod download
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 25m ./...

bench: deps ## run the benchmarks at GOMAXPROCS=1 (BENCHCPU) but the full accuracy table (bench-accuracy); figures go in BENCHMARKS.md
	$(GO) test -run '^$$' -bench . -skip '$(BENCHSKIP)' -benchmem -cpu $(BENCHCPU) -timeout 60m ./...

bench-accuracy: deps ## the full motion accuracy table (its first run encodes ~60 clips: ~30 min on 2 cores)
	$(GO) test -run '^$$' -bench '^BenchmarkMotionAccuracy$$' -benchtime 1x -timeout 60m ./recorder/motion/

lint: ## go vet, gofmt (must list nothing) and go mod tidy (must change nothing)
	$(GO) vet ./...
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff

build: ## build bin/porchlight for this machine
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/porchlight ./cmd/porchlight

build-arm64: ## build bin/porchlight-linux-arm64 (static, for a Raspberry Pi or similar)
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/porchlight-linux-arm64 ./cmd/porchlight

# PKGVERSION: the packages' version; empty = `git describe --tags --always --dirty` as a Debian version
# (0.0.0~git<UTC commit date>.<time>.<hash> while there is no tag; see internal/debpkg/version.go).
PKGVERSION ?=

package: ## build dist/porchlight_<version>_<arch>.deb for amd64, arm64, armhf (static binaries, nfpm) and dist/SHA256SUMS
	$(GO) run ./internal/cmd/porchlight-package -out dist $(if $(PKGVERSION),-version '$(PKGVERSION)')

fuzz: ## run every fuzz target for FUZZTIME (default 10s) each
	@set -e; \
	grep -rEo --include='*_test.go' --exclude-dir=.git --exclude-dir=testdata '^func Fuzz[A-Za-z0-9_]*' . \
	| sed 's/:func /:/' | sort -u | while IFS=: read -r file name; do \
		dir=$$(dirname "$$file"); \
		echo "fuzz $$dir $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) "$$dir"; \
	done

clean: ## remove build output (bin, dist)
	rm -rf bin dist
