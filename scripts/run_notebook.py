"""Execute one notebook in a fresh kernel, optionally with injected parameters, and export HTML.

Usage: run_notebook.py IN.ipynb OUT.ipynb OUT.html [--kernel NAME] [--timeout S] [--param NAME=VALUE ...]

VALUE is JSON (n=5000, series='"sp500"') or, if it is not valid JSON, a string (series=sp500).
Parameters follow papermill's convention: a cell tagged "injected-parameters" is inserted after
the cell tagged "parameters". The kernel runs in the notebook's own folder.

Prints one JSON line: {"ok", "seconds", "cells", "failed": {"index", "source", "error"} | null}.
Exit code 0 when every cell ran without error and wrote nothing to stderr, 1 otherwise, 2 for
bad usage. tslab reports errors as stderr text (no "error" output), so stderr output counts
as a failure too.
"""
import argparse
import json
import pathlib
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError
from nbconvert import HTMLExporter


def parse_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def usage_error(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def type_annotation(value):
    """A widened type, so `const series = "x"` is a string, not the literal type "x" (which
    would make the notebook's own comparisons with other values fail to type-check)."""
    if isinstance(value, bool):
        return ": boolean"
    if isinstance(value, (int, float)):
        return ": number"
    if isinstance(value, str):
        return ": string"
    return ""


def inject(nb, pairs):
    """Insert the injected-parameters cell after the parameters cell; return its index."""
    at = next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if at is None:
        usage_error("no cell tagged 'parameters' to inject after")
    known = nb.cells[at].source
    lines = []
    for pair in pairs:
        if "=" not in pair:
            usage_error(f"--param takes NAME=VALUE, got {pair!r}")
        name, value = pair.split("=", 1)
        if not name.isidentifier():
            usage_error(f"parameter name {name!r} is not an identifier")
        if f"const {name} " not in known and f"const {name}:" not in known and f"let {name} " not in known:
            usage_error(f"parameter {name!r} is not declared in the parameters cell")
        lines.append(f"const {name}{type_annotation(parse_value(value))} = {json.dumps(parse_value(value))};")
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(at + 1, cell)


# Debian's nbconvert links jQuery, require.js and MathJax from /usr/share/javascript. The pages
# need none of them (figures carry their own plotly bundle; the notebooks use no LaTeX), and a
# file:// link would break the page anywhere else, so the export drops them: self-contained.
LOCAL_SCRIPT = re.compile(r'<script src="file://[^"]*">\s*</script>\n?')


def export_html(nb):
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    return LOCAL_SCRIPT.sub("", html)


def stderr_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stderr")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out_nb")
    ap.add_argument("out_html")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--param", action="append", default=[])
    args = ap.parse_args()

    src = pathlib.Path(args.src).resolve()
    nb = nbformat.read(str(src), as_version=4)
    if args.param:
        inject(nb, args.param)

    errored = []

    def on_executed(cell, cell_index, execute_reply):
        # tslab sends no execute_input, so copy the count from the reply.
        cell.execution_count = execute_reply.get("content", {}).get("execution_count")

    def on_error(cell, cell_index, execute_reply):
        errored.append(cell_index)

    client = NotebookClient(
        nb,
        timeout=args.timeout,
        kernel_name=args.kernel,
        on_cell_executed=on_executed,
        on_cell_error=on_error,
        resources={"metadata": {"path": str(src.parent)}},
    )
    started = time.monotonic()
    failure = None
    try:
        client.execute()
    except CellExecutionError:
        pass  # the cell is in `errored`; its error text is its stderr output
    except DeadKernelError as e:
        failure = {"error": f"the kernel died: {e}"}
    except Exception as e:  # a timeout, or a kernel that would not start
        failure = {"error": f"{type(e).__name__}: {e}"}
    seconds = time.monotonic() - started

    # The first cell that failed: an error reply, or any stderr output (tslab's error channel).
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for i in code_cells:
        if i in errored or stderr_text(nb.cells[i]):
            failure = {"error": stderr_text(nb.cells[i]) or (failure or {}).get("error") or "the cell failed without output"}
            failure["index"] = i
            break
    if failure is not None and "index" not in failure:
        # Died or timed out: blame the first cell that has no execution count.
        pending = [i for i in code_cells if nb.cells[i].get("execution_count") is None]
        failure["index"] = pending[0] if pending else None
    if failure is not None and failure["index"] is not None:
        failure["source"] = nb.cells[failure["index"]].source
        failure["code_cell"] = code_cells.index(failure["index"]) + 1

    pathlib.Path(args.out_nb).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, args.out_nb)
    pathlib.Path(args.out_html).write_text(export_html(nb), encoding="utf-8")

    print(json.dumps({"ok": failure is None, "seconds": round(seconds, 2), "cells": len(nb.cells), "failed": failure}))
    sys.exit(0 if failure is None else 1)


if __name__ == "__main__":
    main()
