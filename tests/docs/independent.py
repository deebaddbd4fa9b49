"""An independent implementation of Panelist's documented formats, written
from docs/session-format.md, docs/bank-format.md and docs/sync-protocol.md
only (no Panelist code), tried against the real `panelist` and
`panelist-server`. Run by tests/docs/run.sh, which starts the server on a
throwaway PostgreSQL and passes its address and tokens in the environment.

Everything here follows the docs; where they once disagreed with the code,
the docs were corrected.
"""

import copy
import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

REPO = Path(os.environ["REPO"])
PANELIST = os.environ["PANELIST_BIN"]
WORK = Path(os.environ["WORK"])

CHECKS = 0


def check(cond, what):
    global CHECKS
    if not cond:
        raise AssertionError(what)
    CHECKS += 1


# -- session files (docs/session-format.md) -------------------------------------

# Field order of each object, from the tables of session-format.md ("fields in
# the order Panelist writes them"): the canonical form is built in this order,
# whatever order a file has.
SESSION_FIELDS = [
    "id", "candidate", "interviewer", "role", "kit", "status", "created_at",
    "started_at", "finished_at", "updated_at", "revision", "entries", "summary",
    "red_flags", "recommendation", "audit",
]
CANDIDATE_FIELDS = ["id", "name"]
ENTRY_FIELDS = [
    "question", "competency_name", "score", "skipped", "look_fors_hit",
    "follow_ups_asked", "notes", "seconds_spent",
]
SNAPSHOT_FIELDS = [
    "id", "prompt", "competency", "seniority", "kind", "minutes", "look_fors",
    "follow_ups", "rubric", "sources",
]
LEVEL_FIELDS = ["value", "label", "anchor"]
AUDIT_FIELDS = [
    "id", "at", "actor", "action", "question_id", "old_value", "new_value", "reason",
]
TIMESTAMPS = {"created_at", "started_at", "finished_at", "updated_at", "at"}
SIGNING_CONTEXT = b"panelist-session-file/2\n"


def ordered(obj, fields):
    missing = [f for f in fields if f not in obj]
    extra = [f for f in obj if f not in fields]
    if missing or extra:
        raise ValueError(f"fields: missing {missing}, unknown {extra}")
    return {f: obj[f] for f in fields}


def timestamp(value):
    """A timestamp in its one canonical spelling (session-format.md,
    "Canonical values"): UTC with `Z`, the fraction only when not zero, 3
    digits for whole milliseconds (else 6 or 9). Panelist refuses any other
    spelling, so hashing the value as written is hashing this."""
    if value is None:
        return None
    t = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc)
    base = t.strftime("%Y-%m-%dT%H:%M:%S")
    us = t.microsecond
    if us == 0:
        return base + "Z"
    if us % 1000 == 0:
        return f"{base}.{us // 1000:03d}Z"
    return f"{base}.{us:06d}Z"


def canonical_session(s):
    s = ordered(s, SESSION_FIELDS)
    s["candidate"] = ordered(s["candidate"], CANDIDATE_FIELDS)
    entries = []
    for e in s["entries"]:
        e = ordered(e, ENTRY_FIELDS)
        q = ordered(e["question"], SNAPSHOT_FIELDS)
        q["rubric"] = {
            "levels": [ordered(lv, LEVEL_FIELDS) for lv in ordered(q["rubric"], ["levels"])["levels"]]
        }
        e["question"] = q
        entries.append(e)
    s["entries"] = entries
    s["audit"] = [ordered(a, AUDIT_FIELDS) for a in s["audit"]]
    for k in TIMESTAMPS & set(s):
        s[k] = timestamp(s[k])
    for a in s["audit"]:
        a["at"] = timestamp(a["at"])
    return s


def content_hash(session):
    """`sha256:` + hex SHA-256 of the compact JSON of `session`: no spaces,
    fields in the documented order, non-ASCII as UTF-8, only `"`, `\\` and
    U+0000..U+001F escaped (Python's json does exactly that with
    ensure_ascii=False)."""
    text = json.dumps(canonical_session(session), ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError(f"field {k!r} twice")
        d[k] = v
    return d


def verify_session_file(raw):
    """The checks of "Verifying a file", in order. Returns the parsed file."""
    if len(raw) > 16 * 1024 * 1024:
        raise ValueError("larger than 16 MiB")
    text = raw.decode("utf-8")
    f = json.loads(text, object_pairs_hook=no_duplicates)
    allowed = {"format", "version", "session", "content_hash", "signature"}
    if not isinstance(f, dict) or set(f) - allowed:
        raise ValueError(f"top-level fields: {sorted(f)}")
    if f.get("format") != "panelist-session":
        raise ValueError("format")
    if f.get("version") not in (1, 2):
        raise ValueError("version")
    if content_hash(f["session"]) != f["content_hash"]:
        raise ValueError("content hash does not match")
    sig = f.get("signature")
    if f["version"] == 1:
        if sig is not None:
            raise ValueError("a version 1 file carries no signature")
    else:
        if sig is None:
            raise ValueError("a version 2 file must be signed")
        pk = sig["public_key"]
        if not pk.startswith("ed25519:"):
            raise ValueError("public_key")
        key = VerifyKey(bytes.fromhex(pk[len("ed25519:"):]))
        try:
            key.verify(SIGNING_CONTEXT + f["content_hash"].encode(), bytes.fromhex(sig["value"]))
        except BadSignatureError:
            raise ValueError("signature does not match") from None
    return f


def uuid7(ms):
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, variant 10."""
    r = secrets.randbits(74)
    n = (ms << 80) | (0x7 << 76) | ((r >> 62) << 64) | (0b10 << 62) | (r & ((1 << 62) - 1))
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def ts(t):
    return timestamp(t.isoformat())


def make_session(interviewer, candidate, candidate_id, note, score, when):
    """A submitted session built from the tables of session-format.md."""
    ms = int(when.timestamp() * 1000)
    created, started = when, when + dt.timedelta(seconds=5)
    finished = when + dt.timedelta(minutes=20, milliseconds=250)
    question = {
        "id": "docs-idempotent-retries",
        "prompt": "How would you make a payment endpoint safe to retry?",
        "competency": "docs-apis",
        "seniority": "mid",
        "kind": "concept",
        "minutes": 8,
        "look_fors": ["Idempotency keys", "Stored outcome per key"],
        "follow_ups": ["What if two retries arrive at once?"],
        "rubric": {"levels": [
            {"value": 1, "label": "Poor", "anchor": "Retries are left to chance."},
            {"value": 2, "label": "Mixed", "anchor": "Names idempotency only."},
            {"value": 3, "label": "Good", "anchor": "Keys per request, outcome replayed."},
            {"value": 4, "label": "Excellent", "anchor": "Also concurrent retries and expiry."},
        ]},
        "sources": ["written from docs/session-format.md"],
    }
    session = {
        "id": uuid7(ms),
        "candidate": {"id": candidate_id, "name": candidate},
        "interviewer": interviewer,
        "role": "Backend engineer",
        "kit": None,
        "status": "submitted",
        "created_at": ts(created),
        "started_at": ts(started),
        "finished_at": ts(finished),
        "updated_at": ts(finished),
        # start, score, two ticks, a follow-up, notes, time, wrap-up, submit
        "revision": 9,
        "entries": [{
            "question": question,
            "competency_name": "APIs (docs)",
            "score": score,
            "skipped": False,
            "look_fors_hit": [0, 1],
            "follow_ups_asked": [0],
            "notes": note,
            "seconds_spent": 420,
        }],
        "summary": "Clear, concrete answers — «naïve» retries ruled out.",
        "red_flags": [],
        "recommendation": "yes",
        "audit": [{
            "id": uuid7(int(finished.timestamp() * 1000)),
            "at": ts(finished),
            "actor": interviewer,
            "action": "submit",
            "question_id": None,
            "old_value": None,
            "new_value": "yes",
            "reason": None,
        }],
    }
    return session


def signed_file(session, key):
    h = content_hash(session)
    sig = key.sign(SIGNING_CONTEXT + h.encode()).signature
    return {
        "format": "panelist-session",
        "version": 2,
        "session": session,
        "content_hash": h,
        "signature": {
            "public_key": "ed25519:" + key.verify_key.encode().hex(),
            "value": sig.hex(),
        },
    }


def signed_plan_file(plan, key):
    """A plan file (docs/plan-format.md): hashed like a session file's
    `session` (compact JSON, fields in the documented order), signed over
    `panelist-plan-file/1\n<content_hash>`."""
    text = json.dumps(plan, ensure_ascii=False, separators=(",", ":"))
    h = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    sig = key.sign(b"panelist-plan-file/1\n" + h.encode()).signature
    return {
        "format": "panelist-plan",
        "version": 1,
        "plan": plan,
        "content_hash": h,
        "signature": {
            "public_key": "ed25519:" + key.verify_key.encode().hex(),
            "value": sig.hex(),
        },
    }


def dumps(f):
    return (json.dumps(f, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- bank files (docs/bank-format.md) ---------------------------------------------

def make_bank():
    return {
        "format": "panelist-bank",
        "version": 1,
        "competencies": [
            {"id": "docs-apis", "name": "APIs (docs)", "description": "Written from the docs."}
        ],
        "questions": [{
            "id": "docs-idempotent-retries",
            "prompt": "How would you make a payment endpoint safe to retry?",
            "competency": "docs-apis",
            "seniority": "mid",
            "kind": "concept",
            "minutes": 8,
            "look_fors": ["Idempotency keys", "Stored outcome per key"],
            "follow_ups": ["What if two retries arrive at once?"],
            "levels": [
                {"value": 4, "anchor": "Also concurrent retries and expiry."},
                {"value": 1, "anchor": "Retries are left to chance."},
                {"value": 3, "label": "Solid", "anchor": "Keys per request, outcome replayed."},
            ],
        }, {
            # a built-in competency, not declared in this file
            "id": "docs-cache-story",
            "prompt": "Tell me about a cache you added. How did you know it helped?",
            "competency": "performance",
            "seniority": "senior",
            "kind": "experience",
            "minutes": 10,
            "look_fors": [],
            "follow_ups": [],
            "levels": [
                {"value": 1, "anchor": "No concrete example."},
                {"value": 4, "anchor": "Measured before and after."},
            ],
            "sources": ["docs"],
        }],
        "kits": [{
            "id": "docs-kit",
            "name": "Docs kit",
            "questions": ["docs-idempotent-retries", "docs-cache-story", "rest-api-design"],
        }],
    }


# -- the real programs ------------------------------------------------------------

def panelist(db, *args, ok=True, env=None):
    p = subprocess.run(
        [PANELIST, "--db", str(db), *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})},
    )
    if ok and p.returncode != 0:
        raise AssertionError(f"panelist {' '.join(args)} failed: {p.stderr}")
    return p


def sql(db, query, *params):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


# -- HTTP (docs/sync-protocol.md) -------------------------------------------------

BASE = os.environ["SERVER"]


def http(method, path, token=None, body=None, scheme="Bearer"):
    req = urllib.request.Request(BASE + path, data=body, method=method)
    if token is not None:
        req.add_header("Authorization", f"{scheme} {token}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, data, ctype = r.status, r.read(), r.headers.get("Content-Type")
    except urllib.error.HTTPError as e:
        status, data, ctype = e.code, e.read(), e.headers.get("Content-Type")
    check(ctype == "application/json", f"{method} {path}: JSON reply, not {ctype}")
    reply = json.loads(data)
    if status >= 400:
        check(
            set(reply) == {"code", "message"} and all(isinstance(v, str) for v in reply.values()),
            f"error body of exactly two strings: {reply}",
        )
    return status, reply


def pull_all(token, limit):
    cursor, files = "", []
    while True:
        status, page = http("GET", f"/v1/changes?after={cursor}&limit={limit}", token)
        check(status == 200 and page["protocol"] == 1, f"changes: {status} {page}")
        check(len(page["sessions"]) <= limit, "a page holds at most `limit` sessions")
        for s in page["sessions"]:
            files.append(verify_session_file(json.dumps(s, ensure_ascii=False).encode()))
        cursor = page["cursor"]
        if not page["more"]:
            return files, cursor


# -- the test ---------------------------------------------------------------------

def main():
    started = time.time()
    tokens = json.loads(os.environ["TOKENS"])

    # 1. The committed signed fixtures hash and verify here; edits are caught.
    fixtures = [
        REPO / "server/tests/fixtures/v1/push-request-signed.json",
        REPO / "server/tests/fixtures/v1/push-request.json",
        *sorted((REPO / "core/tests/data/v2").glob("*.session.json")),
    ]
    for path in fixtures:
        f = verify_session_file(path.read_bytes())
        check(f["version"] in (1, 2), path.name)
        if f["version"] == 2:
            edited = copy.deepcopy(f)
            edited["session"]["summary"] += " (edited)"
            try:
                verify_session_file(dumps(edited))
                check(False, f"{path.name}: an edited value must break the hash")
            except ValueError as e:
                check("hash" in str(e), str(e))
            edited["content_hash"] = content_hash(edited["session"])
            try:
                verify_session_file(dumps(edited))
                check(False, f"{path.name}: a re-hashed edit must break the signature")
            except ValueError as e:
                check("signature" in str(e), str(e))
        # Field order and layout are not part of the hash.
        shuffled = json.loads(path.read_bytes())
        shuffled["session"] = dict(reversed(list(shuffled["session"].items())))
        verify_session_file(json.dumps(shuffled).encode())
    changes = json.loads((REPO / "server/tests/fixtures/v1/changes-response-signed.json").read_bytes())
    for s in changes["sessions"]:
        verify_session_file(json.dumps(s, ensure_ascii=False).encode())

    # 2. A bank file made here is imported by the real `panelist bank import`.
    db = WORK / "mine.db"
    bank = make_bank()
    bank_path = WORK / "docs.bank.json"
    bank_path.write_bytes(dumps(bank))
    panelist(db, "bank", "import", str(bank_path))
    rows = sql(db, "SELECT id, competency_id, minutes FROM question WHERE id LIKE 'docs-%' ORDER BY id")
    check(rows == [("docs-cache-story", "performance", 10), ("docs-idempotent-retries", "docs-apis", 8)], f"questions: {rows}")
    kit = sql(db, "SELECT name FROM kit WHERE id = 'docs-kit'")
    check(kit == [("Docs kit",)], f"kit: {kit}")
    bad = copy.deepcopy(bank)
    bad["questions"][0]["minutes"] = 0
    bad_path = WORK / "bad.bank.json"
    bad_path.write_bytes(dumps(bad))
    p = panelist(db, "bank", "import", str(bad_path), ok=False)
    check(p.returncode == 1 and "questions[0].minutes" in p.stderr, f"bad bank: {p.returncode} {p.stderr}")

    # 3. A signed session file made here is imported by `panelist import`
    #    into another machine's database, and exported again unchanged.
    when = dt.datetime(2026, 11, 30, 9, 15, 0, 125000, tzinfo=dt.timezone.utc)
    cand_id = uuid7(int(when.timestamp() * 1000) - 60_000)
    grace_key, alan_key = SigningKey.generate(), SigningKey.generate()
    grace = make_session("Grace Hopper", "Ada Lovelace", cand_id, "Paired on retries.\nTalked «idempotency».", 3, when)
    grace_file = signed_file(grace, grace_key)
    verify_session_file(dumps(grace_file))
    path = WORK / "grace.session.json"
    path.write_bytes(dumps(grace_file))
    other = WORK / "other.db"
    panelist(other, "import", str(path))
    rows = sql(other, "SELECT interviewer, status, revision, imported, signed_by FROM session WHERE id = ?", grace["id"])
    check(rows == [("Grace Hopper", "submitted", 9, 1, grace_file["signature"]["public_key"])], f"imported: {rows}")
    again = panelist(other, "export", grace["id"], "--format", "json").stdout
    again = verify_session_file(again.encode())
    check(again["content_hash"] == grace_file["content_hash"], "export keeps the hash")
    check(again["signature"] == grace_file["signature"], "export keeps the signature")
    tampered = copy.deepcopy(grace_file)
    tampered["session"]["entries"][0]["score"] = 4
    tpath = WORK / "tampered.session.json"
    tpath.write_bytes(dumps(tampered))
    p = panelist(WORK / "third.db", "import", str(tpath), ok=False)
    check(p.returncode != 0 and "hash" in p.stderr, f"tampered import: {p.stderr}")

    # 4. The sync protocol against the real server.
    g, a, b, admin = tokens["grace"], tokens["alan"], tokens["bob"], tokens["admin"]
    status, me = http("GET", "/v1/me", g, scheme="bearer")
    check((status, me) == (200, {"protocol": 1, "name": "Grace Hopper", "role": "interviewer"}), f"me: {me}")
    status, err = http("GET", "/v1/me", "pnl_not-a-token")
    check((status, err["code"]) == (401, "unauthorized"), f"bad token: {err}")
    body = dumps(grace_file)
    status, r = http("POST", "/v1/sessions", g, body)
    check(status == 201, f"push: {status} {r}")
    check(r == {"protocol": 1, "result": "stored", "id": grace["id"], "revision": 9,
                "content_hash": grace_file["content_hash"]}, f"push reply: {r}")
    status, r = http("POST", "/v1/sessions", g, body)
    check((status, r["result"]) == (200, "unchanged"), f"push again: {r}")
    status, r = http("POST", "/v1/sessions", a, body)
    check((status, r["code"]) == (403, "forged_author"), f"forged: {r}")
    status, r = http("POST", "/v1/sessions", g, dumps(tampered))
    check((status, r["code"]) == (400, "invalid"), f"tampered push: {r}")
    alan = make_session("Alan Turing", "Ada Lovelace", cand_id, "Cache outage story.", 4, when + dt.timedelta(hours=1))
    alan_file = signed_file(alan, alan_key)
    status, r = http("POST", "/v1/sessions", a, dumps(alan_file))
    check(status == 201, f"alan push: {r}")

    # Ada Lovelace's interview plan lists Grace and Alan (server schema 5:
    # a colleague's session is read through its candidate's plan); an
    # admin pushes it as its coordinator.
    plan = {
        "id": uuid7(int(when.timestamp() * 1000)),
        "candidate": {"id": cand_id, "name": "Ada Lovelace"},
        "role": "",
        "coordinator": "Ada Admin",
        "created_at": ts(when),
        "updated_at": ts(when),
        "members": [
            {"interviewer": who, "round": 1, "kit": None, "questions": ["rest-api-design"],
             "focus": [], "at": None, "due": None}
            for who in ["Grace Hopper", "Alan Turing"]
        ],
    }
    plan_body = dumps(signed_plan_file(plan, SigningKey.generate()))
    status, r = http("POST", "/v1/plans", g, plan_body)
    check((status, r["code"]) == (403, "forbidden"), f"interviewer pushes a plan: {r}")
    status, r = http("POST", "/v1/plans", admin, plan_body)
    check((status, r["result"], r["id"]) == (201, "stored", plan["id"]), f"plan push: {r}")
    status, r = http("GET", "/v1/plans?after=0", a)
    check(status == 200 and [p["plan"]["id"] for p in r["plans"]] == [plan["id"]], f"plans: {r}")
    status, r = http("GET", "/v1/plans?after=0", b)
    check(status == 200 and r["plans"] == [], f"bob's plans: {r}")

    # Both submitted for Ada Lovelace: each sees both, a page at a time. Bob,
    # who has not interviewed her, sees nothing (sealing).
    files, cursor = pull_all(g, 1)
    check(sorted(f["session"]["id"] for f in files) == sorted([grace["id"], alan["id"]]), "grace pulls both")
    pulled = {f["session"]["id"]: f for f in files}
    check(pulled[alan["id"]]["signature"] == alan_file["signature"], "signature passed on")
    status, page = http("GET", f"/v1/changes?after={cursor}", g)
    check(page["sessions"] == [] and page["cursor"] == cursor and page["more"] is False, "nothing new")
    files, _ = pull_all(b, 100)
    check(files == [], "bob sees nothing sealed")

    # The team bank: an admin publishes the bank made here; others pull it.
    bank_bytes = dumps(bank)
    status, r = http("PUT", "/v1/bank", g, bank_bytes)
    check((status, r["code"]) == (403, "forbidden"), f"interviewer publishes: {r}")
    status, r = http("PUT", "/v1/bank", admin, bank_bytes)
    check(status == 201, f"publish: {status} {r}")
    check(r == {"protocol": 1, "result": "published", "version": 1,
                "content_hash": hashlib.sha256(bank_bytes).hexdigest(),
                "questions": 2, "kits": 1}, f"publish reply: {r}")
    status, r = http("PUT", "/v1/bank", admin, bank_bytes)
    check((status, r["result"], r["version"]) == (200, "unchanged", 1), f"publish again: {r}")
    status, r = http("GET", "/v1/bank?after=0", b)
    check(status == 200 and r["protocol"] == 1 and r["version"] == 1 and r["bank"] == bank, f"bank: {r}")
    check(r["published_by"] == "Ada Admin", "publisher")
    status, r = http("GET", "/v1/bank?after=1", b)
    check(r["bank"] is None and r["version"] == 1, "bank already current")

    # 5. The real client pulls what this implementation pushed and published.
    alan_db = WORK / "alan.db"
    env = {"PANELIST_TOKEN_STORE": "file", "PANELIST_CONFIG_DIR": str(WORK / "config")}
    panelist(alan_db, "remote", "set", BASE, env={**env, "PANELIST_TOKEN": a})
    out = panelist(alan_db, "sync", env=env).stdout
    check("team bank version 1 from Ada Admin" in out, f"sync output: {out}")
    rows = sql(alan_db, "SELECT interviewer FROM session ORDER BY interviewer")
    check(rows == [("Alan Turing",), ("Grace Hopper",)], f"alan's database: {rows}")
    rows = sql(alan_db, "SELECT public_key FROM signer WHERE name = 'Grace Hopper'")
    check(rows == [(grace_file["signature"]["public_key"],)], f"grace's key pinned: {rows}")
    rows = sql(alan_db, "SELECT count(*) FROM question WHERE id LIKE 'docs-%'")
    check(rows == [(2,)], f"team bank imported: {rows}")

    print(f"doc-driven test: {CHECKS} checks passed in {time.time() - started:.1f} s")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"doc-driven test FAILED: {e}", file=sys.stderr)
        sys.exit(1)
