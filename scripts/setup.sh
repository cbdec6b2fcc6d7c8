#!/usr/bin/env bash
# Installs every tool tiket builds and tests with, at the versions pinned in this
# repository, from crates.io, the npm registry and Debian only (never GitHub).
# Idempotent: a run with everything in place only checks, and takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned here; wasm-bindgen-cli is read from Cargo.lock, npm tools from package-lock.json.
CARGO_LEPTOS_VERSION=0.3.10
MIN_RUST_VERSION=1.89.0
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

started=$SECONDS
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf '\033[31msetup: %s\033[0m\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# Rust: the machine's toolchain, new enough for leptos 0.8 and std file locks (1.89), with the wasm target.
command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup first (https://rustup.rs)"
rust_version=$(rustc --version | awk '{print $2}')
version_at_least "$rust_version" "$MIN_RUST_VERSION" || die "rustc $rust_version is too old: tiket needs $MIN_RUST_VERSION or newer"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos, built without its downloader: every tool it runs must be on PATH.
if [ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (10 to 15 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock, byte for byte.
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$wasm_bindgen_version" ] || die "could not read the wasm-bindgen version from Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (about 2 minutes)"
  # Not --locked: its lock file names a crate version this registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

# npm packages, exactly as locked. A stamp of the lock file skips `npm ci` when nothing changed.
npm_ci() {
  local dir=$1 stamp="$1/node_modules/.tiket-lock.sha256"
  local want; want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    say "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
}
command -v npm >/dev/null || die "npm is missing: install Node.js 20 or newer"
npm_ci .          # tailwindcss and wasm-opt (binaryen) for cargo-leptos
npm_ci end2end    # Playwright

# Chromium from Debian: Playwright drives it (its own browser download is not reachable).
# Debian ships security updates in place, so this one follows the distribution.
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium_path" ]; then
  command -v apt-get >/dev/null ||
    die "no Chromium at $chromium_path and no apt-get to install it: install Chromium and set CHROMIUM_PATH"
  say "installing Debian's chromium"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-core >/dev/null
fi
# Japanese glyphs for the browser tests: without a CJK font Chromium draws boxes, and the
# tests that check Japanese pages fit a phone's width would measure the boxes.
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=ja 2>/dev/null)" ] && command -v apt-get >/dev/null; then
  say "installing Debian's fonts-noto-cjk (Japanese text in the browser tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null
fi

# The contract run's tools (Schemathesis, openapi-spec-validator) from PyPI, exactly as
# contract/requirements.txt pins them, every file checked against its hash, in a virtual
# environment of the project's own. A stamp of the requirements skips this when nothing changed.
contract_venv=contract/.venv
command -v python3 >/dev/null || die "python3 is missing: install Python 3.11 or newer"
want=$(sha256sum contract/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$contract_venv/.tiket-requirements.sha256" 2>/dev/null || true)" != "$want" ]; then
  say "installing the contract run's tools into $contract_venv (pinned, hashes required)"
  if ! python3 -m venv --clear "$contract_venv" >/dev/null 2>&1; then
    # Debian ships venv's pip bootstrap apart, in python3-venv.
    command -v apt-get >/dev/null || die "python3 cannot make a virtual environment: install its venv module"
    say "installing Debian's python3-venv"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    python3 -m venv --clear "$contract_venv"
  fi
  "$contract_venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r contract/requirements.txt
  echo "$want" > "$contract_venv/.tiket-requirements.sha256"
fi

say "all tools present ($((SECONDS - started)) s): $(cargo leptos --version), $(wasm-bindgen --version), \
tailwindcss $(node -p 'require("./node_modules/@tailwindcss/cli/package.json").version'), \
$("$chromium_path" --version 2>/dev/null | head -n1), \
$("$contract_venv/bin/schemathesis" --version 2>/dev/null | tail -n1), \
openapi-spec-validator $("$contract_venv/bin/python" -c 'import importlib.metadata as m; print(m.version("openapi-spec-validator"))')"
