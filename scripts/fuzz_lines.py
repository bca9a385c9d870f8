#!/usr/bin/env python3
"""Grammar-aware fuzzed command lines for oktash, one per line on stdout (see scripts/fuzz.sh).

Lines start from the inputs of grammar/cases/*.txt and a vocabulary of commands, then get 0 to
4 mutations: inserted references, JSON, quotes, k=v, flags, `;`, `|`, `>`, odd and control
characters, huge words; deleted, repeated, swapped and spliced pieces. Every line is then made
safe to run: whatever follows the first `|` or `>` becomes a fixed harmless target (`| cat
>/dev/null` or `> out.json` in the current directory), URLs point at the demo org (--url), and
`record` and `exit` become `echo`, so no fuzzed line starts a program, writes outside the
current directory, leaves loopback or ends the batch.

    fuzz_lines.py --seed N --count N [--cases DIR]
"""

import argparse
import glob
import os
import random
import re

COMMANDS = [
    "ls users", "ls users limit=3", "ls groups q=a", "ls apps", "ls logs limit=2",
    "ls users limit=2 --all", "ls users --max 3", "ls groups/$last[0].id/users",
    "ls $e", "ls $a", "ls users/$last.id/groups", "get $last[0].id", "get $last.id",
    "get users/me", "get $u", "get $last[0]", "get admin@example.com", "get $1[0].id/$1[1].id",
    "follow next", "follow self $u", "follow deactivate $u", "follow next $1",
    "post users {\"profile\":{\"login\":\"f@example.com\",\"email\":\"f@example.com\"}}",
    "post groups {\"profile\":{\"name\":\"fz\"}} --yes", "put $u {} --yes",
    "delete groups/$last.id --yes", "patch $u {\"a\":1}", "post $u/lifecycle/suspend --yes",
    "set a = [\"0\",\"1\",\"2\"]", "set e = []", "set u = $last[0]", "set n = 3",
    "set email-suffix = x.example.com", "echo ${email-suffix}", "unset a", "unset nope",
    "echo $a$a", "echo $a $e $u.id $n", "echo \"hi $u.profile.login.\"", "echo 'a|b>c'",
    "echo $last[*].id", "echo $last[-1]", "echo $last[\"odd key\"]", "vars", "history",
    "show", "show 1", "show --json", "as curl", "as curl 1 --reveal", "help", "help ls",
    "env", "env add x http://127.0.0.1:9 token=abc", "env add y http://127.0.0.1:9",
    "use x", "use okta-client", "env rm x", "collections", "ls requests", "run x",
    "run 'Users/List Users' limit=2", "import nope.json", "source nope.oktash", "play nope.oktash",
    "post users @body.json", "ls users search='profile.department eq \"Eng\"'",
    "demo reset", "set p = @rows.csv", "set p = @body.json", "set p = @rows.jsonl",
    "post users?activate=false {\"profile\": $p[*].profile} --yes", "post users $a[*] --yes",
    "run Users: --data rows.csv --bail --report junit r.xml", "run x/ --data=rows.jsonl",
    "env add s http://127.0.0.1:9 client-id=0oa1 key=@body.json scopes=okta.users.read --dpop",
    "env add t http://127.0.0.1:9 client-id=0oa1 key=env:NOPE scopes='a b' key-id=k",
]

PIECES = [
    "$last", "$1", "$2", "$99999999999999999999", "$last[0].id", "$last[*]", "$last.id",
    "$a", "$e", "$u", "$n", "${a}", "${email-suffix}", "${", "$", "$last[", "$last[-1000]",
    "$last[99999999999]", "$last.", "$last[\"x\"]", "$last['y']", "${last.id}x",
    "[]", "{}", "[1,2,3]", "{\"a\":$u}", "{\"password\":{\"value\":\"p\"}}", "[[[[[[", "]]]",
    "{\"a\":", "\"", "'", "\\", "\\$", "'$a'", "\"$a\"", ";", ";;", "|", ">", "#", "# c",
    "k=v", "q=", "limit=0", "limit=-1", "limit=99999999999999999999", "=", "==", "a=b=c",
    "token=abc", "TOKEN=x", "token = x", "bearer=y", "password=z", "--all", "--max",
    "--max 0", "--max -1", "--yes", "--json", "--reveal", "--protected", "-y", "--", "-",
    "--nope", "--all=1", "@", "@body.json", "@nope", "@rows.csv", "--data", "--bail",
    "--report junit", "--dpop", "client-id=0oa1", "key=@rows.csv", "scopes=", "[*]", "users", "groups", "/api/v1/users",
    "http://127.0.0.1:9/x", "HTTP://127.0.0.1:9", "//127.0.0.1:9", "00u000000000000000000",
    "é", "ü", "💥", "\u200b", "\ufeff", "\u202e", "\t", " ", "  ", "\x00", "\x01", "\x1b[2J",
    "\x7f", "\x04", "\x03", "\r",
]


def huge(rng):
    kind = rng.randrange(6)
    n = rng.choice([100, 1000, 5000, 20000])
    if kind == 0:
        return "a" * n
    if kind == 1:
        return "[" * min(n, 5000)
    if kind == 2:
        return "$a" * rng.randrange(2, 40)
    if kind == 3:
        return "{\"a\":" * min(n, 3000)
    if kind == 4:
        return "$last" + ".x" * min(n, 5000)
    return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(min(n, 2000)))


def odd_char(rng):
    return chr(rng.choice([rng.randrange(0, 0x20), rng.randrange(0x7f, 0xa0),
                           rng.randrange(0x100, 0xd800), rng.randrange(0xe000, 0x110000)]))


def mutate(line, rng, corpus):
    op = rng.randrange(9)
    pos = rng.randrange(len(line) + 1)
    if op == 0:
        piece = rng.choice(PIECES)
        return line[:pos] + piece + line[pos:]
    if op == 1:
        piece = " " + rng.choice(PIECES) + " "
        return line[:pos] + piece + line[pos:]
    if op == 2 and line:
        end = min(len(line), pos + rng.randrange(1, 8))
        return line[:pos] + line[end:]
    if op == 3 and line:
        end = min(len(line), pos + rng.randrange(1, 12))
        return line[:pos] + line[pos:end] * rng.randrange(2, 5) + line[end:]
    if op == 4:
        words = line.split(" ")
        if len(words) > 1:
            i, j = rng.randrange(len(words)), rng.randrange(len(words))
            words[i], words[j] = words[j], words[i]
        return " ".join(words)
    if op == 5:
        return line + rng.choice(["; ", ";", " ; "]) + rng.choice(corpus)
    if op == 6:
        return line[:pos] + odd_char(rng) + line[pos:]
    if op == 7:
        return line[:pos] + huge(rng) + line[pos:]
    return line[:pos]


# Bounded scheme length: an unbounded `[a-z0-9+.-]*` backtracks quadratically on huge words.
URL = re.compile(r"(?i)[a-z][a-z0-9+.-]{0,20}://[^\s/'\"|>;]*")


def make_safe(line, url):
    line = line.replace("\n", " ")
    line = URL.sub(url, line)
    # `record FILE` writes a file anywhere; `exit` would end the batch.
    line = re.sub(r"(?i)\b(record|exit|quit)\b", "echo", line)
    cut = [i for i in (line.find("|"), line.find(">")) if i >= 0]
    if cut:
        line = line[: min(cut)] + ("| cat >/dev/null" if line[min(cut)] == "|" else "> out.json")
    return line


def cases(directory):
    out = []
    for path in sorted(glob.glob(os.path.join(directory, "*.txt"))):
        with open(path, encoding="utf-8") as f:
            out += [l[2:].rstrip("\n") for l in f if l.startswith("> ")]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000)
    # Where every URL of a line points: the demo org (a closed port makes each request wait
    # out the client's retries).
    ap.add_argument("--url", default="http://127.0.0.1:9")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--cases", default=os.path.join(here, "..", "grammar", "cases"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    corpus = COMMANDS + cases(args.cases)
    out = []
    for _ in range(args.count):
        line = rng.choice(corpus)
        # Some lines run unmutated, so that evaluation gets past the parser often.
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            line = mutate(line, rng, corpus)
        out.append(make_safe(line, args.url))
    # Surrogates cannot be written as UTF-8; odd_char never makes them.
    print("\n".join(out))


if __name__ == "__main__":
    main()
