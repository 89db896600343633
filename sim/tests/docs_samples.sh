#!/usr/bin/env bash
# docs_samples.sh IPISTORM REPO [--update]: every sample output in the
# documentation is what the binary prints today. A sample is a ```console block
# in README.md or docs/*.md whose first line is "$ ipistorm ARGS"; the lines
# after it are the command's standard output, run from REPO. A last line "..."
# compares only the lines above it (a prefix of the output: a sample may stop
# before a line that changes from run to run, such as a wall time). README.md
# must show at least five commands. --update rewrites the samples in place.
set -u
exec /usr/bin/python3 - "$@" <<'PY'
import pathlib, re, shlex, subprocess, sys

binary, repo = sys.argv[1], pathlib.Path(sys.argv[2])
update = "--update" in sys.argv[3:]
block = re.compile(r"^```console\n\$ ipistorm ([^\n]*)\n(.*?)^```$", re.M | re.S)
fail, n, in_readme = False, 0, 0
for f in [repo / "README.md", *sorted((repo / "docs").glob("*.md"))]:
    text = f.read_text()
    def check(m):
        global fail, n, in_readme
        args, want = m.group(1), m.group(2)
        n += 1
        in_readme += f.name == "README.md" and f.parent == repo
        got = subprocess.run([binary, *shlex.split(args)], cwd=repo, capture_output=True,
                             text=True).stdout
        lines = want.splitlines()
        prefix = bool(lines) and lines[-1] == "..."
        if prefix:
            got_cmp = "\n".join(got.splitlines()[: len(lines) - 1]) + "\n"
            want_cmp = "\n".join(lines[:-1]) + "\n"
        else:
            got_cmp, want_cmp = got, want
        if got_cmp == want_cmp:
            print(f"ok   {f.relative_to(repo)}: ipistorm {args}")
            return m.group(0)
        if update:
            print(f"updated {f.relative_to(repo)}: ipistorm {args}")
            return f"```console\n$ ipistorm {args}\n{got_cmp}{'...' + chr(10) if prefix else ''}```"
        fail = True
        print(f"FAIL: {f.relative_to(repo)}: the sample of 'ipistorm {args}' is not what it prints")
        import difflib
        sys.stdout.writelines(difflib.unified_diff(want_cmp.splitlines(True),
                                                   got_cmp.splitlines(True), "sample", "output"))
        return m.group(0)
    new = block.sub(check, text)
    if update and new != text:
        f.write_text(new)
if in_readme < 5:
    print(f"FAIL: README.md shows {in_readme} commands with their output, not five")
    fail = True
print(f"{n} samples checked")
sys.exit(1 if fail else 0)
PY
