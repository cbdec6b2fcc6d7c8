"""Schemathesis hooks for tiket's contract run: who each request is sent as.

scripts/contract-test.sh signs a fan up before the run and passes its token
in TIKET_CONTRACT_FAN_TOKEN. Every operation the document secures is sent
with it, except:

- `logout`, which would end that session for every later case: each of its
  cases signs a fresh fan up and ends that fan's session instead;
- operations tagged for staff (STAFF_TAGS), sent with TIKET_CONTRACT_STAFF_TOKEN:
  when such routes exist, the script must sign a staff member in and export
  it; until then the run stops, saying so, rather than test them as a fan;
- a request a link already gave a session (register -> buy-tickets), which
  keeps it.

A stage's four times (the organisers' stage bodies) are put in the order the
editor requires, and each date made one that exists: JSON Schema can say
neither (the server answers 422, as documented; tests/organiser_api.rs
covers those refusals), and a schema-valid body must not be refused.

And each generated Idempotency-Key names a new order: the fuzzer draws short
keys ("0", "A") again and again for different orders, which the server
rightly refuses (422, "already used for another order", as documented).
Replays of one order under one key are tested in tests/api.rs.

Likewise a door scan (`POST /api/door/redeem`): each valid generated
`scan_id` is made unique (a short id drawn again for another code is rightly
refused, 409); a valid `at` is moved to now (the server takes a door's time
only within 5 minutes ahead and 7 days behind its clock, which JSON Schema
cannot say); and the door's `stages` are kept to stages the contract
server has (an unknown one is rightly refused, 422). tests/door_api.rs
covers each of those refusals.
"""

import datetime
import itertools
import json
import os
import re
import threading
import urllib.request

import schemathesis

BASE_URL = os.environ["TIKET_CONTRACT_BASE_URL"].rstrip("/")
FAN_TOKEN = os.environ["TIKET_CONTRACT_FAN_TOKEN"]
# Tags whose operations only staff may call (organisers, the door, returns).
STAFF_TAGS = {"organiser", "organisers", "door", "staff", "returns"}

KEY_HEADER = "Idempotency-Key"
# OrderKey's rule: 1 to 128 visible ASCII characters (the document's pattern).
VALID_KEY = re.compile(r"[!-~]{1,128}")

_numbers = itertools.count(1)
_keys = itertools.count(1)
_lock = threading.Lock()


def _fresh_fan_token() -> str:
    """Signs a new fan up, for a session that may be ended."""
    with _lock:
        number = next(_numbers)
    body = json.dumps({"username": f"contract-leaver-{number}", "password": "leaving-the-venue-42"})
    request = urllib.request.Request(
        f"{BASE_URL}/api/register",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)["token"]


@schemathesis.auth(refresh_interval=None)
class Sessions:
    def get(self, case, context):
        operation = context.operation
        if set(operation.tags or []) & STAFF_TAGS:
            token = os.environ.get("TIKET_CONTRACT_STAFF_TOKEN")
            if not token:
                raise RuntimeError(
                    f"{operation.label} is tagged for staff: sign a staff member in "
                    "in scripts/contract-test.sh and export TIKET_CONTRACT_STAFF_TOKEN"
                )
            return token
        if operation.definition.raw.get("operationId") == "logout":
            return _fresh_fan_token()
        return FAN_TOKEN

    def set(self, case, token, context):
        case.headers = case.headers or {}
        if "Authorization" not in case.headers:
            case.headers["Authorization"] = f"Bearer {token}"


@schemathesis.hook
def before_call(context, case, kwargs):
    """Makes a valid generated key unique, keeping it valid; leaves bad ones be.
    Puts a stage body's times in order (see above)."""
    order_stage_times(case)
    door_scan(case)
    key = (case.headers or {}).get(KEY_HEADER)
    if isinstance(key, str) and VALID_KEY.fullmatch(key):
        with _lock:
            number = next(_keys)
        case.headers[KEY_HEADER] = f"{number}.{key}"[:128]


STAGE_TIMES = ("sale_opens", "sale_closes", "doors_open", "starts_at")
LOCAL_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?")


def _local(text):
    """A local time as the schema's pattern allows it, its day made one that exists."""
    match = LOCAL_TIME.fullmatch(text) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    if year < 2:
        return None
    for day in range(day, 0, -1):
        try:
            return datetime.datetime(year, month, day, hour, minute, second)
        except ValueError:
            continue
    return None


def order_stage_times(case):
    """Sale opens < sale closes <= doors open <= show starts, in any valid stage body."""
    body = case.body
    if not isinstance(body, dict) or not all(field in body for field in STAGE_TIMES):
        return
    times = [_local(body[field]) for field in STAGE_TIMES]
    if any(t is None for t in times):
        return
    times.sort()
    if times[0] == times[1]:
        times[0] -= datetime.timedelta(minutes=1)
    for field, moment in zip(STAGE_TIMES, times):
        body[field] = moment.strftime("%Y-%m-%dT%H:%M:%S")


VALID_SCAN_ID = re.compile(r"[!-~]{1,128}")
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
# The stages the contract server's festival has (the reference festival's).
KNOWN_STAGES = (1, 2, 3, 4)


def door_scan(case):
    """A valid door scan body made one the server can take (see above)."""
    body = case.body
    if not isinstance(body, dict) or "scan_id" not in body or "gate" not in body:
        return
    scan_id = body.get("scan_id")
    if isinstance(scan_id, str) and VALID_SCAN_ID.fullmatch(scan_id):
        with _lock:
            number = next(_keys)
        body["scan_id"] = f"{number}.{scan_id}"[:128]
    at = body.get("at")
    if isinstance(at, str) and RFC3339.fullmatch(at):
        body["at"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    stages = body.get("stages")
    # A whole number, also written 2.0 (an integer to JSON Schema too).
    valid_id = lambda s: (isinstance(s, int) and not isinstance(s, bool) or isinstance(s, float) and s.is_integer()) and 0 <= s <= 2**32 - 1
    if isinstance(stages, list) and len(stages) <= 64 and all(valid_id(s) for s in stages):
        body["stages"] = [KNOWN_STAGES[int(s) % len(KNOWN_STAGES)] for s in stages]
