"""pandas <-> flat numpy conversion of single series, panels and hierarchies.

No keras; sktime only inside :func:`times_at`, for date grids. A
``pd.DataFrame`` with a plain time index is one
series; a ``pd.DataFrame`` whose last index level is time (sktime's
``pd-multiindex`` / ``pd_multiindex_hier``) is a panel whose other levels name the
instances. Both become a :class:`Panel`: one flat ``(T_total, C)`` array with
series boundaries, plus each row's position on a regular integer time grid so
that gaps, duplicates and forecast steps are plain integer arithmetic
(:func:`steps_after_last`: the steps of forecast times after each series'
last observation; :func:`times_at`: the time stamps of positions).

Also owns how the series of a later call are matched to the fitted ones
(:func:`match_instances`) and named in messages (:func:`instance_label`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

__all__ = [
    "Panel",
    "TimeGrid",
    "cutoff_with_freq",
    "frame_from_forecasts",
    "instance_index",
    "instance_label",
    "is_sorted_unique",
    "match_instances",
    "panel_from_frame",
    "steps_after_last",
    "time_at",
    "times_at",
]


@dataclass(frozen=True)
class TimeGrid:
    """Maps time stamps to integer positions on a regular grid.

    Periods use their ordinal, integers themselves, datetimes their ordinal
    as periods of ``freq`` (or positions in a ``date_range`` when pandas has no
    such period). ``step`` is the distance between consecutive positions.
    """

    kind: str  # "period", "int", "datetime" or "datetime-range"
    step: int
    freq: object = None
    origin: object = None

    def positions(self, times: pd.Index) -> np.ndarray:
        """Integer grid positions of ``times``; raises if one is off the grid."""
        if self.kind == "int":
            return np.asarray(times, dtype=np.int64)
        if self.kind == "period":
            return pd.PeriodIndex(times).asi8.astype(np.int64)
        times = pd.DatetimeIndex(times)
        if times.tz is not None and _is_fixed_length(self.freq):
            # hours, minutes, ... count in absolute time: by wall time a DST
            # change would look like a gap or a repeated hour
            times = times.tz_convert("UTC").tz_localize(None)
        if self.kind == "datetime":
            return times.to_period(self.freq).asi8.astype(np.int64)
        end = max(times.max(), self.origin)
        grid = pd.date_range(self.origin, end, freq=self.freq)
        pos = grid.get_indexer(times)
        if (pos < 0).any():
            bad = times[pos < 0][0]
            raise ValueError(
                f"time stamp {bad} is not on the frequency {self.freq!r} grid"
            )
        return pos.astype(np.int64)


def _is_fixed_length(freq) -> bool:
    """Whether ``freq`` is an absolute duration (hour, minute, ...), not calendar."""
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError):
        return False
    # pandas < 3 counts a day as a fixed 24 h (Tick); a calendar day follows DST
    return isinstance(offset, pd.offsets.Tick) and not isinstance(
        offset, pd.offsets.Day
    )


def steps_after_last(
    fh_times, grid: TimeGrid, last_positions: np.ndarray
) -> np.ndarray:
    """Return steps of ``fh_times`` (K,) after each last observation -> (n, K).

    ``last_positions`` (n,): grid position of every series' last observation.
    Steps ``<= 0`` are in-sample: at or before the series' last observation.
    """
    target = grid.positions(fh_times)  # -> (K,)
    delta = target[None, :] - last_positions[:, None]  # -> (n, K)
    return delta // grid.step


def _make_grid(level: pd.Index, codes, offsets: np.ndarray, freq) -> TimeGrid:
    """Choose the grid for the time values ``level[codes]`` of all rows."""
    # period ordinals count base units (a "2h" period's ordinal is in hours):
    # consecutive periods of a multiplied frequency are ``n`` apart
    if isinstance(level, pd.PeriodIndex):
        return TimeGrid("period", level.freq.n, freq=level.freq)
    if isinstance(level, pd.DatetimeIndex):
        freq = freq or _infer_freq(level, codes, offsets)
        try:
            level[:1].tz_localize(None).to_period(freq)  # can freq be a period?
            step = pd.tseries.frequencies.to_offset(freq).n
            return TimeGrid("datetime", step, freq=freq)
        except (ValueError, TypeError, AttributeError):
            used = level[_used_mask(level, codes)]
            return TimeGrid("datetime-range", 1, freq=freq, origin=used.min())
    if pd.api.types.is_integer_dtype(level.dtype):
        values = np.asarray(level, dtype=np.int64)
        if codes is not None:
            values = values[codes]
        diffs = np.diff(values)
        inside = np.ones(len(values), dtype=bool)
        inside[offsets[1:-1]] = False  # a diff across two series is no step
        diffs = diffs[inside[1:]]
        positive = np.unique(diffs[diffs > 0])
        step = 1
        if positive.size:
            step = int(np.gcd.reduce(positive))
        return TimeGrid("int", step)
    raise TypeError(
        f"unsupported time index type {type(level).__name__}: use a PeriodIndex, "
        "a DatetimeIndex with a frequency, or an integer index"
    )


def _infer_freq(level: pd.DatetimeIndex, codes, offsets: np.ndarray):
    """Infer the frequency of a datetime time level from its longest series."""
    lengths = np.diff(offsets)
    i = int(np.argmax(lengths))
    rows = slice(offsets[i], offsets[i + 1])
    one = level[rows] if codes is None else level.take(codes[rows])
    freq = pd.infer_freq(one) if len(one) >= 3 else None
    if freq is None:
        raise ValueError(
            "the DatetimeIndex has no frequency and none can be inferred from "
            "the longest series (its time stamps are irregular, e.g. missing "
            "dates, or fewer than 3): make every series regular first, e.g. "
            "y.resample('MS').mean() for one series, or for a panel "
            "y.groupby(level=0).apply(lambda s: s.droplevel(0).asfreq('D')) "
            "(missing dates become NaN rows, which fit accepts)"
        )
    return freq


def _used_mask(level: pd.Index, codes) -> np.ndarray:
    """Which values of ``level`` occur in some row (all when ``codes`` is None)."""
    if codes is None:
        return np.ones(len(level), dtype=bool)
    return np.bincount(codes, minlength=len(level)) > 0


def _row_positions(grid: TimeGrid, level: pd.Index, codes) -> np.ndarray:
    """Grid position of every row: each distinct time value is positioned once."""
    if codes is None:
        return grid.positions(level)
    used = _used_mask(level, codes)
    per_value = np.zeros(len(level), dtype=np.int64)
    per_value[used] = grid.positions(level[used])
    return per_value[codes]


def is_sorted_unique(index: pd.MultiIndex) -> bool:
    """Whether every row of ``index`` comes strictly after the previous one.

    Compares neighbouring rows' integer codes (a few bytes per row) instead of
    hashing or sorting the whole index; levels must be sorted for codes to
    follow the values' order, and a missing label (code -1) answers False.
    """
    if not all(level.is_monotonic_increasing for level in index.levels):
        return False
    if len(index) < 2:
        return True
    greater = np.zeros(len(index) - 1, dtype=bool)
    equal = np.ones(len(index) - 1, dtype=bool)
    for codes in index.codes:
        codes = np.asarray(codes)
        if codes.size and codes.min() < 0:
            return False
        before, after = codes[:-1], codes[1:]
        greater |= equal & (after > before)
        equal &= after == before
    return bool(greater.all())


@dataclass(frozen=True)
class Panel:
    """A single series or a panel as flat arrays.

    Attributes
    ----------
    values : np.ndarray, shape (T_total, C)
        All series stacked; float64.
    offsets : np.ndarray of int64, shape (n + 1,)
        Series ``i`` is ``values[offsets[i]:offsets[i + 1]]``.
    positions : np.ndarray of int64, shape (T_total,)
        Grid position of every row (see :class:`TimeGrid`).
    instances : pd.Index or None
        Instance labels (a MultiIndex for hierarchies); None for one series.
    index : pd.Index, shape (T_total,)
        The frame's index (time last); ``times`` gives every row's time stamp.
    columns : pd.Index
    index_names : list
        Names of all index levels, time last.
    grid : TimeGrid
    """

    values: np.ndarray
    offsets: np.ndarray
    positions: np.ndarray
    instances: pd.Index | None
    index: pd.Index
    columns: pd.Index
    index_names: list
    grid: TimeGrid

    @cached_property
    def times(self) -> pd.Index:
        """Time stamp of every row, shape (T_total,) (made when first asked for)."""
        if isinstance(self.index, pd.MultiIndex):
            return self.index.get_level_values(-1)
        return self.index

    @property
    def n_series(self) -> int:
        """Number of series."""
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        """Time points per series."""
        return np.diff(self.offsets)

    def label(self, i: int) -> str:
        """Human-readable label of series ``i`` for error messages."""
        if self.instances is None:
            return "y"
        return f"instance {self.instances[i]!r}"

    def series_of_rows(self) -> np.ndarray:
        """Series number of every row, shape (T_total,)."""
        dtype = np.int32 if self.n_series < 2**31 else np.int64
        return np.repeat(np.arange(self.n_series, dtype=dtype), self.lengths)


def panel_from_frame(
    y: pd.DataFrame, grid: TimeGrid | None = None, name: str = "y"
) -> Panel:
    """Convert a single-series or multi-index DataFrame to a :class:`Panel`.

    Parameters
    ----------
    y : pd.DataFrame
        Plain time index (one series) or MultiIndex whose last level is time.
    grid : TimeGrid, optional
        Reuse the grid of the training data (for update and exogenous data).
    name : str, default="y"
        What ``y`` is called in messages ("X" for exogenous data).

    Raises
    ------
    ValueError
        Duplicate time stamps, or time points missing inside a series (the
        message names the series and the gap).
    """
    if isinstance(y.index, pd.MultiIndex):
        if not is_sorted_unique(y.index):  # sorting copies the whole frame
            y = y.sort_index()
        index = y.index
        n = len(index)
        change = np.zeros(n, dtype=bool)
        change[0] = True
        for codes in index.codes[:-1]:
            codes = np.asarray(codes)
            change[1:] |= codes[1:] != codes[:-1]
        first_rows = np.flatnonzero(change)
        offsets = np.append(first_rows, n).astype(np.int64)
        instances = index[first_rows].droplevel(-1)
        # time values by level and code: the time of every row is never built
        level, codes = index.levels[-1], np.asarray(index.codes[-1])
        if codes.size and codes.min() < 0:  # a missing time label
            level, codes = index.get_level_values(-1), None
        freq = None
    else:
        if not y.index.is_monotonic_increasing:
            y = y.sort_index()
        offsets = np.array([0, len(y)], dtype=np.int64)
        instances = None
        level, codes = y.index, None
        freq = getattr(level, "freq", None)
    values = y.to_numpy(dtype=np.float64, copy=True)
    if grid is None:
        grid = _make_grid(level, codes, offsets, freq)
    positions = _row_positions(grid, level, codes)
    panel = Panel(
        values=values,
        offsets=offsets,
        positions=positions,
        instances=instances,
        index=y.index,
        columns=y.columns,
        index_names=list(y.index.names),
        grid=grid,
    )
    _check_regular(panel, name)
    return panel


def cutoff_with_freq(cutoff, grid: TimeGrid):
    """Return sktime's ``cutoff`` with the frequency of ``grid`` when it has none.

    sktime takes the cutoff of a panel from its time level, which carries no
    frequency when the dates came from ``pd.to_datetime`` (only a single
    series' index has one inferred); relative horizons then cannot be made
    absolute. The frequency ``fit`` inferred (:class:`TimeGrid`) is the one
    the forecasts are made at, so the cutoff gets it.
    """
    if not isinstance(cutoff, pd.DatetimeIndex) or cutoff.freq is not None:
        return cutoff
    if grid.freq is None or len(cutoff) != 1:
        return cutoff
    return pd.DatetimeIndex(cutoff, freq=grid.freq)


def _check_regular(panel: Panel, name: str = "y") -> None:
    """Raise if a series has duplicate or missing time points."""
    pos = panel.positions
    if len(pos) < 2:
        return
    diffs = np.diff(pos)
    inside = np.ones(len(pos) - 1, dtype=bool)
    inside[panel.offsets[1:-1] - 1] = False  # step from one series to the next
    bad = np.flatnonzero(inside & (diffs != panel.grid.step))
    if not bad.size:
        return
    row = int(bad[0])
    series = int(np.searchsorted(panel.offsets, row, side="right") - 1)
    before, after = panel.times[row], panel.times[row + 1]
    if diffs[row] == 0:
        problem = f"duplicate time stamp {before}"
    else:
        problem = f"missing time points between {before} and {after}"
    where = panel.label(series)
    if name != "y":  # say that X is the problem
        where = name if panel.instances is None else f"{where} of {name}"
    raise ValueError(
        f"{where} has {problem}; sktime_gru needs regular series "
        "without duplicates or gaps: drop duplicates, and reindex to the full "
        "range with NaN filled (or resample) before fitting"
    )


def frame_from_forecasts(
    forecasts: np.ndarray,
    fh_times: pd.Index,
    instances: pd.Index | None,
    columns: pd.Index,
    index_names: list,
) -> pd.DataFrame:
    """Assemble forecasts into the frame sktime expects.

    Parameters
    ----------
    forecasts : np.ndarray, shape (n, K, C)
        Series x forecast time x column.
    fh_times : pd.Index, shape (K,)
        Absolute forecast times.
    instances : pd.Index or None
    columns : pd.Index
    index_names : list
        Index level names, time last.
    """
    n, k, c = forecasts.shape
    data = forecasts.reshape(n * k, c)
    if instances is None:
        index = fh_times.copy()
        index.name = index_names[-1]
        return pd.DataFrame(data, index=index, columns=columns)
    times = fh_times[np.tile(np.arange(k), n)]  # -> (n * K,)
    index = instance_index(instances, k, times, index_names)
    return pd.DataFrame(data, index=index, columns=columns)


def instance_index(
    instances: pd.Index, repeats, times: pd.Index, names: list
) -> pd.MultiIndex:
    """Row index of a panel frame: every series' rows, series after series.

    ``repeats`` (int, or one count per series) rows of each instance of
    ``instances`` (one level, or a ``MultiIndex`` of several) at ``times``
    (one per row); ``names``: the level names, time last.
    """
    if isinstance(instances, pd.MultiIndex):
        levels = [instances.get_level_values(i) for i in range(instances.nlevels)]
    else:
        levels = [instances]
    arrays = [level.repeat(repeats) for level in levels] + [times]
    return pd.MultiIndex.from_arrays(arrays, names=names)


def match_instances(instances, new: Panel) -> np.ndarray:
    """Fitted series number of every series in ``new`` (``instances``: fitted labels).

    Raises for a series not seen in fit; ``instances`` None: one series.
    """
    if instances is None:
        return np.zeros(new.n_series, dtype=np.int64)
    which = instances.get_indexer(new.instances)
    if (which < 0).any():
        unseen = list(new.instances[which < 0][:5])
        raise ValueError(
            f"got instances not seen in fit: {unseen}; fit the forecaster on "
            "a panel that contains them"
        )
    return which


def instance_label(instances, i: int) -> str:
    """Name of fitted series ``i`` for messages (``instances``: fitted labels)."""
    if instances is None:
        return "y"
    return f"instance {instances[i]!r}"


def times_at(positions: np.ndarray, grid: TimeGrid, cutoff) -> pd.Index:
    """Time stamps of grid ``positions`` (R,), through steps from ``cutoff``.

    Integer and period grids are plain arithmetic; other date grids go
    through sktime's relative forecasting horizon (imported when called).
    """
    if grid.kind == "int":
        return pd.Index(positions)
    if grid.kind == "period":
        return pd.PeriodIndex.from_ordinals(positions, freq=grid.freq)
    from sktime.forecasting.base import ForecastingHorizon

    cutoff_pos = grid.positions(pd.Index(cutoff))[0]
    steps, where = np.unique((positions - cutoff_pos) // grid.step, return_inverse=True)
    fh = ForecastingHorizon(steps, is_relative=True, freq=cutoff)
    return fh.to_absolute_index(cutoff)[where]


def time_at(position: int, grid: TimeGrid, cutoff):
    """Time stamp of one grid position, for messages (:func:`times_at`)."""
    return times_at(np.asarray([position]), grid, cutoff)[0]
