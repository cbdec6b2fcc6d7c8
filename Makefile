# tiket's commands. `make run` and `make test` each set up every tool first.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
CARGO_BUILD_JOBS ?= 2
export CARGO_BUILD_JOBS
# Where the release build lands; both follow CARGO_TARGET_DIR when it is set.
BUILD_DIR := $(or $(CARGO_TARGET_DIR),target)
TIKET_BIN ?= $(BUILD_DIR)/release/tiket
SITE_ROOT ?= $(BUILD_DIR)/site

.PHONY: setup build run test test-rust test-contract test-e2e watch wasm-size measure-tti bench-store bench-signin bench-rush bench-snapshots bench-export bench-door clean

## Install every pinned tool (idempotent; seconds when all is there).
setup:
	@scripts/setup.sh

## Release build: the server binary and the site (wasm, JS, CSS) in target/site. `--split`: lazy
## routes (My tickets, sign-in, sign-up, the organisers' console) become wasm chunks of their own,
## loaded when first visited, so a fan's first page does not carry them.
build: setup
	cargo leptos build --release --precompress --split

## Build and serve tiket at http://127.0.0.1:3000 (LEPTOS_SITE_ADDR, TIKET_DATA_DIR override).
run: build
	LEPTOS_SITE_ROOT="$${LEPTOS_SITE_ROOT:-$(SITE_ROOT)}" $(TIKET_BIN)

## Every test: Rust unit and integration tests, then the contract run and Playwright against
## the release build.
test: setup test-rust build test-contract test-e2e

test-rust:
	cargo test --features ssr

## The JSON API against its OpenAPI document: openapi-spec-validator and Schemathesis (every
## check) against the release server on a fresh data folder (scripts/contract-test.sh).
test-contract:
	TIKET_BIN="$(abspath $(TIKET_BIN))" scripts/contract-test.sh

test-e2e:
	cd end2end && npx tsc -p . && \
	  TIKET_BIN="$(abspath $(TIKET_BIN))" LEPTOS_SITE_ROOT="$(abspath $(SITE_ROOT))" npx playwright test

## The contributor's loop: rebuild and reload on every change (debug build).
watch: setup
	cargo leptos watch

## Size of the release wasm: the first download (tiket.wasm) and each lazily loaded chunk, raw,
## gzip -9, and the brotli file the server sends.
wasm-size:
	@for wasm in $(SITE_ROOT)/pkg/tiket.wasm $(SITE_ROOT)/pkg/chunk_*.wasm $(SITE_ROOT)/pkg/split_*.wasm; do \
	  [ -f "$$wasm" ] || continue; \
	  echo "$$wasm: $$(stat -c %s "$$wasm") bytes raw, $$(gzip -9 -c "$$wasm" | wc -c) gzipped (gzip -9), $$(stat -c %s "$$wasm.br" 2>/dev/null || echo '?') as served (brotli)"; \
	done

## Time to interactive of / in Chromium, cold, at full speed and with the CPU slowed 4× (not a test).
measure-tti: build
	cd end2end && npx tsc -p . && \
	  TIKET_BIN="$(abspath $(TIKET_BIN))" LEPTOS_SITE_ROOT="$(abspath $(SITE_ROOT))" npx playwright test -c tti.config.ts

## Benchmark of the store alone: durable sales/s with group commit vs one fsync per sale (not a test).
bench-store:
	cargo bench --features ssr --bench store

## Benchmark: buys over HTTP alone vs during a storm of sign-ins (argon2id) (not a test).
bench-signin:
	cargo bench --features ssr --bench signin_storm

## Benchmark: the release server over real HTTP vs a bare-axum baseline, sustained buys and a
## 10,000-fan rush (not a test). Cargo builds the release `tiket` binary the benchmark starts.
bench-rush:
	cargo bench --features ssr --bench rush

## Benchmark: sustained durable buys while snapshots are written (TIKET_BENCH_BEFORE_BIN compares an
## older binary in the same run), and recovery time at start-up for 10k/100k/1M tickets (not a test).
bench-snapshots:
	cargo bench --features ssr --bench snapshots

## Benchmark: a signed pass's length and QR code size, then check-ins over HTTP from 4 gates (each
## ticket scanned at two) beside durable buys in the same run (not a test).
bench-door:
	cargo bench --features ssr --bench door

## Benchmark: a 1,000,000-ticket festival exported as CSV by the release server: time, rows/s, and
## the server's memory before and at its peak during the export (not a test).
bench-export:
	cargo bench --features ssr --bench export

clean:
	cargo clean
