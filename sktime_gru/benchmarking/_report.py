"""Machine description and Markdown output for benchmark reports."""

from __future__ import annotations

import os
import platform
import re
from importlib import metadata
from pathlib import Path

import pandas as pd

__all__ = [
    "fill_output_paths",
    "machine_info",
    "markdown_table",
    "update_markdown_section",
]

_PACKAGES = (
    "numpy",
    "pandas",
    "scikit-learn",
    "sktime",
    "keras",
    "tensorflow",
    "tensorflow-cpu",
    "statsforecast",
    "statsmodels",
)


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, flags=re.MULTILINE)
    return match.group(1).strip() if match else platform.processor() or "unknown"


def _git_revision() -> str | None:
    """Commit of the working tree, with ``+dirty`` for uncommitted changes."""
    import subprocess

    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True,
            timeout=10,
        ).stdout.strip()  # fmt: skip

    try:
        head = git("rev-parse", "--short", "HEAD")
        # the outputs of the benchmarks are not source: a run that follows
        # another one in the same checkout is not "dirty" because of them
        dirty = git(
            "status", "--porcelain", "--untracked-files=no", "--", ".",
            ":!BENCHMARKS.md", ":!benchmarks/results",
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+dirty" if dirty else "")


def machine_info() -> dict:
    """Describe the machine and library versions a benchmark ran with.

    Returns
    -------
    dict
        ``cpu``, ``logical_cpus``, ``usable_cpus`` (CPU affinity),
        ``memory_gib``, ``load_average`` (1, 5, 15 min, at the time of the
        call: others' jobs on a shared machine slow benchmarks down),
        ``platform``, ``python``, ``versions`` (installed packages) and
        ``git`` (commit of the source tree, ``+dirty`` with local changes;
        changes to BENCHMARKS.md and benchmarks/results/ do not count) and
        ``keras_backend`` (``KERAS_BACKEND``, as the forecaster reads it).
    """
    from sktime_gru._backend import configured_backend

    try:
        import psutil

        memory = psutil.virtual_memory().total / 2**30
    except ImportError:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = {}
    for pkg in _PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    try:
        load = [round(v, 2) for v in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "memory_gib": round(memory, 1),
        "load_average": load,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "git": _git_revision(),
        "keras_backend": configured_backend(),
    }


def markdown_table(frame: pd.DataFrame, index: bool = True) -> str:
    """Render ``frame`` (already formatted as strings where wanted) as Markdown."""
    if index:
        frame = frame.reset_index()
    header = [str(c) for c in frame.columns]
    rows = [[str(v) for v in rec] for rec in frame.itertuples(index=False)]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def update_markdown_section(path, key: str, body: str, title: str = "Benchmarks"):
    """Replace (or append) the block of ``path`` between the markers of ``key``.

    The block is delimited by ``<!-- begin:KEY -->`` and ``<!-- end:KEY -->``;
    everything outside it (other people's sections) is kept as it is. A missing
    file is created with a ``# title`` heading.
    """
    path = Path(path)
    begin, end = f"<!-- begin:{key} -->", f"<!-- end:{key} -->"
    block = f"{begin}\n{body.strip()}\n{end}"
    text = path.read_text() if path.exists() else f"# {title}\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
    return path


def fill_output_paths(args, standard: bool, benchmarks_dir, name: str = "") -> None:
    """Default ``args.output_dir`` and ``args.benchmarks_md`` of a benchmark script.

    Only a standard run (no options that change what is measured) writes
    ``benchmarks/results/<name>/`` and ``BENCHMARKS.md``; ``--quick`` runs
    write ``results/<name>/quick/``, other runs ``results/<name>/custom/`` and
    no Markdown. Paths the caller passed are kept; a run whose output folder
    the caller chose writes no Markdown unless ``benchmarks_md`` is given too
    (results kept elsewhere must not change the repository's tables).
    """
    benchmarks_dir = Path(benchmarks_dir)
    standard = standard and args.output_dir is None
    if args.output_dir is None:
        sub = "" if standard else ("quick" if args.quick else "custom")
        args.output_dir = str(benchmarks_dir / "results" / name / sub)
    if args.benchmarks_md is None:
        markdown = benchmarks_dir.parent / "BENCHMARKS.md"
        args.benchmarks_md = str(markdown) if standard else ""


_LIBRARY_NAMES = {"tensorflow": "TensorFlow", "keras": "Keras"}


def machine_line(packages, memory: bool = False, info: dict | None = None) -> str:
    """Machine, load (or memory) and library versions of a run, in one line.

    Parameters
    ----------
    packages : sequence of str
        Distribution names, in the order to list them; ``"tensorflow"`` is
        either ``tensorflow-cpu`` or ``tensorflow``.
    memory : bool, default=False
        Give the machine's memory instead of its load average.
    info : dict or None, default=None
        A :func:`machine_info` recorded earlier (e.g. at the start of a run,
        saved with its results); None: this machine now.

    Returns
    -------
    str
    """
    info = machine_info() if info is None else info
    versions = info["versions"]

    def version(name):
        if name == "tensorflow":
            return versions.get("tensorflow-cpu", versions.get("tensorflow", "-"))
        return versions.get(name, "-")

    where = f"{info['memory_gib']} GiB" if memory else f"load {info['load_average']}"
    libraries = ", ".join(
        f"{_LIBRARY_NAMES.get(name, name)} {version(name)}" for name in packages
    )
    # recorded before the backend column: TensorFlow's
    backend = info.get("keras_backend", "tensorflow")
    return (
        f"{info['usable_cpus']} CPUs ({info['cpu']}), {where}; {libraries}; "
        f"Keras backend {backend}; source {info['git']}"
    )
