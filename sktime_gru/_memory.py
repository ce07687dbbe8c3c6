"""Give memory that allocators keep after a large step back to the system.

A large panel's fit runs steps whose temporaries are freed long before the
next step's peak: sktime's input checks (which group the panel's index), the
backbone's choice, the backtest network. Two allocators keep such freed
memory in the process, where it counts towards every later peak:

- pyarrow's memory pool (mimalloc or jemalloc), which pandas 3 uses for its
  ``str`` columns and index levels: sktime's cutoff of a panel whose
  instance labels are strings held 0.65 GiB of freed pages at 100,000
  series x 240 months, until the end of ``fit``;
- glibc's malloc arenas (freed blocks below its mmap threshold, many of
  them from the backend's threads).

:func:`release_free_memory` asks both to return what they hold free. It
frees nothing that is in use and changes no result; it costs about a
millisecond. pyarrow is only asked when something else imported it; on
systems without glibc the second part is skipped.

No Keras, no sktime.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache

__all__ = ["release_free_memory"]


@cache
def _malloc_trim():
    """Return glibc's ``malloc_trim``, or None where there is none (macOS, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> None:
    """Return the free memory that pyarrow's pool and glibc's malloc keep."""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        try:
            pyarrow.default_memory_pool().release_unused()
        except Exception:  # only an optimisation: it must never fail a fit
            pass
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
