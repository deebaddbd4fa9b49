#!/usr/bin/env python3
"""Room sizes: no production source file over 700 lines and no function over
150 lines (ARCHITECTURE.md, "Rooms"). Rust functions are found with a small
tokenizer (comments, strings, raw strings and char literals skipped, braces
matched); TypeScript functions by ui/scripts/rooms.mjs with the TypeScript
compiler's own parser. Generated code (ui/src/bindings) is not counted.

usage: scripts/rooms.py [--report]   exits 1 when a limit is exceeded
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILE_LIMIT = 700
FN_LIMIT = 150
RUST_DIRS = ["core/src", "server/src", "src-tauri/src", "cli"]


def rust_tokens(src):
    """Yields (kind, text, line) for identifiers and braces/semicolons."""
    i, n, line = 0, len(src), 1
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    line += src[i] == "\n"
                    i += 1
        elif re.match(r'b?r#*"', src[i:i + 64]):
            m = re.match(r'(b?r)(#*)"', src[i:])
            end = '"' + m.group(2)
            j = src.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            line += src.count("\n", i, j)
            i = j
        elif c == '"' or src.startswith('b"', i):
            i += 2 if c == "b" else 1
            while i < n and src[i] != '"':
                if src[i] == "\\":
                    i += 1
                line += src[i] == "\n"
                i += 1
            i += 1
        elif c == "'":
            m = re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|[^\\'])'", src[i:i + 16])
            i += len(m.group(0)) if m else 1
        elif c.isalpha() or c == "_":
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", src[i:])
            yield ("id", m.group(0), line)
            i += len(m.group(0))
        elif c in "{};":
            yield (c, c, line)
            i += 1
        else:
            i += 1


def rust_functions(path):
    src = open(path, encoding="utf-8").read()
    toks = list(rust_tokens(src))
    out = []
    for k, (kind, text, line) in enumerate(toks):
        if kind != "id" or text != "fn" or k + 1 >= len(toks) or toks[k + 1][0] != "id":
            continue
        name = toks[k + 1][1]
        j = k + 2
        while j < len(toks) and toks[j][0] not in "{;":
            j += 1
        if j >= len(toks) or toks[j][0] == ";":
            continue  # a declaration without a body
        depth = 0
        while j < len(toks):
            if toks[j][0] == "{":
                depth += 1
            elif toks[j][0] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        end = toks[j][2] if j < len(toks) else line
        out.append((name, line, end - line + 1))
    return out


def main():
    report = "--report" in sys.argv
    bad = []
    files = []
    for d in RUST_DIRS:
        for dirpath, _, names in os.walk(os.path.join(ROOT, d)):
            files += [os.path.join(dirpath, f) for f in names if f.endswith(".rs")]
    for path in sorted(files):
        rel = os.path.relpath(path, ROOT)
        lines = sum(1 for _ in open(path, encoding="utf-8"))
        if lines > FILE_LIMIT:
            bad.append(f"{rel}: {lines} lines (limit {FILE_LIMIT})")
        for name, start, length in rust_functions(path):
            if length > FN_LIMIT:
                bad.append(f"{rel}:{start}: fn {name} is {length} lines (limit {FN_LIMIT})")
    ts = subprocess.run(["node", os.path.join(ROOT, "ui/scripts/rooms.mjs")], capture_output=True, text=True)
    if ts.returncode not in (0, 1):
        sys.stderr.write(ts.stderr)
        return 2
    bad += [l for l in ts.stdout.splitlines() if l]
    for b in bad:
        print(b)
    if report:
        print(f"{len(bad)} room(s) over the limits")
        return 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
