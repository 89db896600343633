"""Every value pybindings/README.md shows beside a call (`t.numa_distance(0, 4)
# 21`) is what the module returns: the README's ```python blocks run in order,
from the repository root, and each line whose comment begins with a Python
literal is checked against it (floats to the digits shown). Blocks that show
no value are not run; the Dask script (it needs a cluster) is test_dask.py's."""
import ast
import math
import re

import pytest

import ipistorm
from conftest import REPO

README = REPO / "pybindings" / "README.md"


def blocks():
    """The ```python blocks that show at least one value (the others show
    prose only: nothing to check)."""
    text = README.read_text()
    for m in re.finditer(r"^```python\n(.*?)^```$", text, re.M | re.S):
        block = m.group(1)
        if "__main__" in block:
            continue
        if any(shown_value(line.split("#", 1)[1]) is not None
               for line in block.splitlines() if "#" in line):
            yield block


def shown_value(comment):
    """The literal a comment starts with ("16, 2, 8, 2, 2.67", "'same_core'
    (CPUs by ...)"), or None when it is prose."""
    head = re.split(r"\s{2,}|\s+\(", comment.strip(), maxsplit=1)[0]
    try:
        return ast.literal_eval(head)
    except (ValueError, SyntaxError):
        return None


def same(got, want):
    if isinstance(want, float):
        digits = len(repr(want).split(".")[1]) if "." in repr(want) else 0
        return math.isclose(round(float(got), digits), want)
    if isinstance(want, tuple):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    return got == want


def test_readme_values(monkeypatch):
    monkeypatch.chdir(REPO)  # "results/lab" in the README is relative to the root
    ns = {"ipistorm": ipistorm}
    checked = 0
    for block in blocks():
        # Whole statements (a call may span lines), each with its last comment.
        tree = ast.parse(block)
        lines = block.splitlines()
        for node in tree.body:
            src = "\n".join(lines[node.lineno - 1:node.end_lineno])
            last = lines[node.end_lineno - 1]
            comment = last.split("#", 1)[1] if "#" in last else ""
            want = shown_value(comment) if comment else None
            if isinstance(node, ast.Expr) and want is not None:
                got = eval(compile(ast.Expression(node.value), "README", "eval"), ns)
                assert same(got, want), f"README: {src.strip()} shows {want!r}, returns {got!r}"
                checked += 1
            else:
                exec(compile(ast.Module([node], []), "README", "exec"), ns)
    assert checked >= 6, checked


def test_shown_value_reads_literals_only():
    assert shown_value(" 16, 2, 8, 2, 2.67") == (16, 2, 8, 2, 2.67)
    assert shown_value(" 'same_core'   (CPUs by OS index)") == "same_core"
    assert shown_value(" DataFrame: os_index, package") is None
    assert not same(2.66, 2.67) and same(2.6667, 2.67)
