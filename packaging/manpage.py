#!/usr/bin/python3
"""manpage.py: one man page from a program's --help, through help2man, gzipped.

  manpage.py --help2man PATH --name NAME --version V --description TEXT
             --out DIR/NAME.1 [--see-also TEXT] -- PROGRAM [SUBCOMMAND]

The --help text is split into blocks at blank lines. help2man formats what it
knows (the description, "Usage:", "Options:", "Positionals:",
"Subcommands:"); every other headed block ("Kernels (--kernel, ...):",
"Examples:", "Exit status:", ...) becomes a section of its own, one entry per
line (.TP), so that the page reads well at 80 columns: each example is a
paragraph of its own and the exit status is a section, not a subsection of
the examples.
"""
import argparse
import gzip
import os
import re
import stat
import subprocess
import sys
import tempfile

HELP2MAN_BLOCKS = {"usage", "options", "positionals", "subcommands"}


def roff(text):
    """Plain text for roff: backslashes doubled, a leading . or ' protected."""
    text = text.replace("\\", "\\e")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def entries(lines):
    """'  name   summary' lines (continuations indented deeper) as .TP entries."""
    out, cur = [], None
    for line in lines:
        m = re.match(r"^( {1,4})(\S(?:.*?\S)?)(?: {2,}(\S.*))?$", line)
        if m and (cur is None or len(m.group(1)) <= cur[0]):
            cur = [len(m.group(1)), m.group(2), [m.group(3) or ""]]
            out.append(cur)
        elif cur is not None:
            cur[2].append(line.strip())
    text = ""
    for _, name, summary in out:
        text += ".TP\n.B %s\n%s\n" % (roff(name), roff(" ".join(s for s in summary if s)))
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--help2man", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--description", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--see-also", default="")
    ap.add_argument("--subcommands", action="store_true",
                    help="also one page NAME-SUB.1.gz per subcommand listed under "
                    "'Subcommands:', each seeing also NAME(1)")
    ap.add_argument("command", nargs="+")
    a = ap.parse_args()
    text = page(a, a.command, a.name, a.description, a.see_also, a.out)
    if not a.subcommands:
        return
    m = re.search(r"^Subcommands:\n((?:  .*\n?)+)", text, re.M | re.I)
    if not m:
        sys.exit("%s --help lists no subcommands" % a.command[0])
    out_dir = os.path.dirname(a.out)
    for line in m.group(1).splitlines():
        sm = re.match(r"^  ([a-z][a-z0-9-]*)\s+(.*)$", line)
        if not sm:
            continue
        sub, summary = sm.group(1), sm.group(2)
        name = "%s-%s" % (a.name, sub)
        page(a, a.command + [sub], name, summary.split(";")[0], "%s(1)" % a.name,
             os.path.join(out_dir, name + ".1"))


def page(a, command, name, description, see_also, out):
    """Writes OUT.gz; returns the --help text it read."""

    r = subprocess.run(command + ["--help"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s --help failed (%d): %s" % (" ".join(command), r.returncode, r.stderr))
    text = r.stdout
    # "Usage: /build/bin/ipistorm simulate" -> "Usage: ipistorm simulate".
    prog = command[0]
    text = text.replace(prog + " ", os.path.basename(prog) + " ")

    feed, include = [], ""
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.split("\n")
        m = re.match(r"^(\S[^:]*):\s*$", lines[0])
        head = m.group(1) if m else None
        if head is None or head.lower() in HELP2MAN_BLOCKS or lines[0].lower().startswith("usage:"):
            feed.append(block)
            continue
        body = lines[1:]
        if head.lower() == "examples":
            include += "[EXAMPLES]\n" + "".join(".PP\n%s\n" % roff(l.strip()) for l in body if l.strip())
        elif head.lower() == "exit status":
            include += "[EXIT STATUS]\n" + entries(body)
        else:
            # "Kernels (--kernel, default X)": section KERNELS, then the note.
            m = re.match(r"^(.*?) \((.*)\)$", head)
            title, note = (m.group(1), m.group(2)) if m else (head, "")
            include += "[%s]\n%s%s" % (title, roff(note) + "\n" if note else "", entries(body))
    if see_also:
        include += "[SEE ALSO]\n%s\n" % roff(see_also)

    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, name)
        with open(os.path.join(tmp, "help.txt"), "w") as f:
            f.write("\n\n".join(feed) + "\n")
        with open(script, "w") as f:
            f.write('#!/bin/sh\ncase "$1" in\n  --version) echo "%s %s" ;;\n'
                    '  *) cat "%s" ;;\nesac\n' % (name, a.version, os.path.join(tmp, "help.txt")))
        os.chmod(script, stat.S_IRWXU)
        inc = os.path.join(tmp, "include.h2m")
        with open(inc, "w") as f:
            f.write(include)
        r = subprocess.run([a.help2man, "--no-info", "--section=1", "--name=" + description,
                            "--version-string=" + a.version, "--include=" + inc,
                            "--output=" + out, script], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("help2man %s failed: %s" % (name, r.stderr))
    with open(out, "rb") as f, gzip.GzipFile(out + ".gz", "wb", mtime=0) as g:
        g.write(f.read())
    os.remove(out)
    return text


if __name__ == "__main__":
    main()
