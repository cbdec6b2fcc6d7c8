#!/usr/bin/env bash
# The contract run: the JSON API checked against its own OpenAPI document by
# tools no one here wrote, against a real server.
#
# 1. Sets up a fresh data folder (tiket import: contract/stages.json, four
#    stages of 1,000,000 tickets on sale until 2099) and serves it on a free
#    port with the highest limits (100 tickets an order, 10,000 a fan), so
#    the run never sells out;
# 2. waits for /healthz, signs a fan up and keeps its token; makes an
#    organiser (`tiket staff add`), signs them in and sets up their second
#    factor through the API (TOTP computed with Python's standard library),
#    and keeps that token for the operations tagged `organiser`;
# 3. openapi-spec-validator on the document the server serves;
# 4. Schemathesis with every check (`--checks all`), every phase (examples,
#    coverage, fuzzing, stateful along the document's links), a fixed seed,
#    signed in as that fan (contract/hooks.py; contract/schemathesis.toml);
# 5. stops the server, whatever happened (and prints its log on failure).
#
# `make test-contract` runs it on the release build; the tools come from
# scripts/setup.sh (contract/.venv). Settings, from the environment:
#   TIKET_BIN                    the server binary (default target/release/tiket)
#   TIKET_CONTRACT_SERVER_ARGS   extra flags for `tiket serve`, e.g. to lift a limit for this run
#   TIKET_CONTRACT_SEED          Schemathesis' seed (default 15)
#   TIKET_CONTRACT_MAX_EXAMPLES  cases per operation and phase (default 150)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${TIKET_BIN:-target/release/tiket}
venv=${TIKET_CONTRACT_VENV:-contract/.venv}
seed=${TIKET_CONTRACT_SEED:-15}
max_examples=${TIKET_CONTRACT_MAX_EXAMPLES:-150}
read -r -a server_args <<< "${TIKET_CONTRACT_SERVER_ARGS:-}"

say() { printf '\033[1mcontract:\033[0m %s\n' "$*"; }
die() { printf '\033[31mcontract: %s\033[0m\n' "$*" >&2; exit 1; }
[ -x "$bin" ] || die "no server binary at $bin: run \`make build\` or set TIKET_BIN"
[ -x "$venv/bin/schemathesis" ] || die "no Schemathesis in $venv: run scripts/setup.sh"
python="$venv/bin/python"

started=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/tiket-contract.XXXXXX")
server=
finish() {
  local status=$?
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$work/server.log" ]; then
    echo "--- the server's log (last 40 lines) ---" >&2
    tail -n 40 "$work/server.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

"$bin" import --stages contract/stages.json --tickets contract/tickets.csv \
  --data-dir "$work/data" --festival-name "Contract run" > "$work/import.log"
# The run's organiser (`tiket staff add`), whose session the organiser-tagged
# operations are called with (contract/hooks.py, TIKET_CONTRACT_STAFF_TOKEN).
organiser=contract-organiser
organiser_password=organising-the-venue-42
printf '%s\n' "$organiser_password" | "$bin" staff add "$organiser" --role organiser \
  --password-stdin --data-dir "$work/data" > "$work/staff.log"
"$bin" serve --addr "127.0.0.1:$port" --data-dir "$work/data" \
  --per-order-limit 100 --per-fan-limit 10000 \
  --sign-ups-per-client-per-hour 10000000 --sign-ups-per-second 1000000 --sign-in-queue 100000 \
  "${server_args[@]}" 2> "$work/server.log" &
server=$!

# Waits for /healthz (30 s at most), then signs the run's fan up, and signs the
# organiser in, setting up their second factor (TOTP, RFC 6238, computed here).
tokens=$("$python" - "$base" "$server" "$organiser" "$organiser_password" <<'EOF'
import base64, hashlib, hmac, json, os, struct, sys, time, urllib.request
base, pid, organiser, organiser_password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
            if answer.status == 200:
                break
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the server stopped before answering /healthz")
    if time.monotonic() > deadline:
        sys.exit("the server did not answer /healthz within 30 s")
    time.sleep(0.1)
body = json.dumps({"username": "contract-fan", "password": "carrot-rocket-35p"}).encode()
request = urllib.request.Request(f"{base}/api/register", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request, timeout=30) as answer:
    print(json.load(answer)["token"])


def post(path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", data=data, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def totp(secret):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


token = post("/api/login", {"username": organiser, "password": organiser_password})["token"]
secret = post("/api/organiser/second-factor/setup", {}, token)["secret"]
post("/api/organiser/second-factor/confirm", {"secret": secret, "code": totp(secret)}, token)
print(token)
EOF
)
{ read -r token; read -r staff_token; } <<< "$tokens"
say "server up at $base (data in $work/data); fan signed up, organiser signed in past the second factor"

"$python" -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())' \
  "$base/api/openapi.json" > "$work/openapi.json"
say "openapi-spec-validator on the served document"
"$venv/bin/openapi-spec-validator" "$work/openapi.json"

say "Schemathesis: every check, seed $seed, at most $max_examples cases per operation and phase"
export TIKET_CONTRACT_BASE_URL=$base TIKET_CONTRACT_FAN_TOKEN=$token TIKET_CONTRACT_STAFF_TOKEN=$staff_token
# Hypothesis keeps its files here, not in the working folder.
export HYPOTHESIS_STORAGE_DIRECTORY="$work/hypothesis"
"$venv/bin/schemathesis" --config-file contract/schemathesis.toml run "$base/api/openapi.json" \
  --checks all --seed "$seed" --max-examples "$max_examples" --no-color

say "passed in $((SECONDS - started)) s"
