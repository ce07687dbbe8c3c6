"""Memory over repeated fits: RSS must not keep growing across fit/predict cycles.

Each mode runs in a fresh interpreter, so neither this test process nor other
tests' TensorFlow state is measured. ``keras.backend.clear_session()`` is never
called: a user's own Keras state must survive a loop of fits. In graph mode
TensorFlow never frees a traced train step; the forecaster therefore trains
through one cached trainer per network structure (``sktime_gru._graph_cache``),
which this test catches regressing (~50 MB per fit without it). The full
benchmark (100 cycles, weatherAUS panel) is ``benchmarks/memory_cycles.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parents[1]
CYCLES = 30
LIMIT_MB = 300.0

SCRIPT = textwrap.dedent(
    """
    import gc, json, sys
    import psutil
    from tests.conftest import make_panel, tiny_forecaster

    y = make_panel(lengths=(40, 36, 44), start_offsets=(0, 4, 0))
    rss = []
    for i in range({cycles}):
        f = tiny_forecaster(n_epochs=1, random_state=i, run_eagerly={eager})
        f.fit(y, fh=[1, 2, 3]).predict()
        del f
        gc.collect()
        rss.append(psutil.Process().memory_info().rss / 2**20)
    print(json.dumps(rss))
    """
)


def _rss_per_cycle(eager: bool) -> list[float]:
    code = SCRIPT.format(cycles=CYCLES, eager=eager)
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,  # so that the script can import tests.conftest
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("eager", [True, False], ids=["eager", "graph"])
def test_rss_growth_over_repeated_fits_is_bounded(eager):
    rss = _rss_per_cycle(eager)
    # growth after the first cycle, which pays TensorFlow's one-off start-up
    growth = max(rss) - rss[0]
    assert growth < LIMIT_MB, f"RSS grew {growth:.0f} MB over {CYCLES} cycles: {rss}"


def test_release_free_memory_imports_nothing_and_returns():
    """Only an optimisation: it runs anywhere and imports no allocator itself."""
    code = (
        "import sys; from sktime_gru._memory import release_free_memory; "
        "release_free_memory(); release_free_memory(); "
        "print('pyarrow' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert out.stdout.strip() == "False"
