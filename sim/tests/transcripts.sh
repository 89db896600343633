#!/usr/bin/env bash
# transcripts.sh IPISTORM REPO [--update]: every kernel era's transcript
# (sim/tests/transcripts/<kernel>.tesh: commands with their expected output
# on the hand-worked toy; the format is in transcripts/README.md) is what
# the binary prints, there is one transcript per kernel preset, and toy.json
# sets every parameter the binary has. --update rewrites the expected lines.
set -u
exec /usr/bin/python3 - "$@" <<'PY'
import json, pathlib, re, shlex, subprocess, sys

binary, repo = sys.argv[1], pathlib.Path(sys.argv[2])
update = "--update" in sys.argv[3:]
tdir = repo / "sim" / "tests" / "transcripts"
fail = 0
passed = 0

def bad(msg):
    global fail
    fail += 1
    print("FAIL " + msg)

def ok(msg):
    global passed
    passed += 1
    print("ok   " + msg)

CLOCK = re.compile(r"^(wall time\s+)\S+(.*)$")
def masked(lines):
    return [CLOCK.sub(r"\1<clock>\2", l) for l in lines]

# toy.json names every parameter, and nothing else
rows = json.loads(subprocess.run([binary, "params", "--json", "-"], capture_output=True,
                                 text=True, check=True).stdout)["params"]
names = {r["name"] for r in rows}
toy = json.load(open(tdir / "toy.json"))["params"]
missing, extra = sorted(names - set(toy)), sorted(set(toy) - names)
if missing or extra:
    bad("toy.json: lacks %s, has unknown %s (a new parameter: add it, 0 unless structural)"
        % (missing, extra))
else:
    ok("toy.json sets all %d parameters" % len(names))

# one transcript per kernel preset (simulate --help lists them)
help_text = subprocess.run([binary, "simulate", "--help"], capture_output=True, text=True).stdout
section = help_text.split("Kernels (--kernel", 1)[1].split("\n\n", 1)[0]
kernels = [l.split()[0] for l in section.splitlines()[1:] if l.strip()]
for k in kernels:
    if (tdir / (k + ".tesh")).exists():
        ok("%s has a transcript" % k)
    else:
        bad("kernel preset %s has no transcript (%s.tesh)" % (k, k))

for f in sorted(tdir.glob("*.tesh")):
    lines = f.read_text().splitlines()
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ ipistorm "):
            if line.startswith("> "):
                bad("%s:%d: an output line before any command" % (f.name, i + 1))
            out.append(line)
            i += 1
            continue
        args = line[len("$ ipistorm "):]
        j = i + 1
        want = []
        while j < len(lines) and (lines[j].startswith("> ") or lines[j] == ">"):
            want.append(lines[j][2:])
            j += 1
        r = subprocess.run([binary, *shlex.split(args)], cwd=repo, capture_output=True, text=True)
        got = r.stdout.splitlines()
        out.append(line)
        if r.returncode != 0:
            bad("%s: 'ipistorm %s' exited %d: %s" % (f.name, args, r.returncode, r.stderr.strip()))
            out += ["> " + w for w in want]
        elif masked(got) == masked(want):
            ok("%s: ipistorm %s" % (f.name, args))
            out += ["> " + w for w in want]
        elif update:
            print("updated %s: ipistorm %s" % (f.name, args))
            out += [("> " + g).rstrip() for g in got]
        else:
            import difflib
            bad("%s: 'ipistorm %s' prints something else:" % (f.name, args))
            sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(
                masked(want), masked(got), "transcript", "output", lineterm=""))
            out += ["> " + w for w in want]
        i = j
    if update:
        f.write_text("\n".join(out) + "\n")
print("%d passed, %d failed" % (passed, fail))
sys.exit(1 if fail else 0)
PY
