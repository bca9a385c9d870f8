#!/usr/bin/env bash
# Play mode in a pseudo-terminal: how long a step takes to be typed at --speed 25 (the default)
# and 0, and whether the line editor's first redraw writes exactly the text that was typed (the
# hand-over from the typing to rustyline draws nothing new: no flicker, no doubled line).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
export OKTASH_CONFIG_DIR=$(mktemp -d) OKTASH_DATA_DIR=$(mktemp -d) NO_COLOR=
script=$(mktemp --suffix=.oktash)
printf '# one step\nls users search='"'"'profile.department eq "Engineering"'"'"' limit=3\n' >"$script"
python3 - "$script" <<'PY'
import os, pty, re, select, subprocess, sys, time
script = sys.argv[1]
step = open(script).read().splitlines()[1]
strip = lambda b: re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b.decode("utf8", "replace"))
for speed in ("25", "0"):
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm")
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(["target/release/oktash", "--demo", "--play", script, "--speed", speed],
                            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    seen, first, start = b"", None, time.monotonic()
    while b"\x1b[?2004h" not in seen or not seen.rstrip().endswith(b"\x1b[?2026l"):
        if time.monotonic() - start > 30:
            sys.exit("no prompt within 30 s")
        if select.select([master], [], [], 0.05)[0]:
            seen += os.read(master, 65536)
            if first is None and b"> " in seen:
                first = time.monotonic()
    handed = time.monotonic()
    typed, redrawn = seen.split(b"\x1b[?2004h", 1)
    typed_line = strip(typed).rsplit("\r\n", 1)[-1].rstrip("\r")
    redrawn_line = strip(redrawn.split(b"\r\x1b[K", 1)[1].split(b"\r", 1)[0])
    if speed == "0":
        verdict = "no typing"
    elif typed_line == redrawn_line:
        verdict = "the editor's first redraw writes the same text"
    else:
        verdict = f"DIFFERS: typed {typed_line!r}, redrawn {redrawn_line!r}"
    print(f"--speed {speed}: {len(step)} characters on the prompt in {handed - first:.2f} s; {verdict}")
    os.write(master, b"\x03")  # Ctrl-C: the playback stops
    time.sleep(0.2)
    os.write(master, b"\x04")  # Ctrl-D at the empty prompt: exit
    proc.wait(timeout=10)
PY
rm -f "$script"
