"""Forecast every series of a panel from its own end: align, then map back.

sktime forecasts a panel at common time points: ``fh=1`` is the time point
after the panel's cutoff, the latest time stamp of all series, so a series that
ends earlier is forecast further ahead of its own data. When each series
should instead be forecast from its own last observation (M1-style data:
series of different lengths whose time is a step count, or whose calendar
does not matter), :func:`align_series_ends` re-indexes every series to integer
steps that end at the same value, and :func:`restore_series_times` maps
forecasts (or any frame on the aligned steps) back to each series' own time
stamps.

No keras and no sktime here; pandas and numpy only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sktime_gru._panel import TimeGrid, panel_from_frame

__all__ = ["align_series_ends", "restore_series_times"]

_COLUMNS = ["last_time", "step", "aligned_end"]


def align_series_ends(y, end: int = 0, ends: pd.DataFrame | None = None):
    """Re-index each series of a panel so that all of them end at step ``end``.

    The time level of ``y`` is replaced by integer steps counted from each
    series' own last time stamp: its last row is at ``end``, the row before at
    ``end - 1``, and so on. Fitted on the aligned panel, a forecaster's cutoff
    is ``end`` for every series, so ``fh=1`` is the next time point of each
    series. :func:`restore_series_times` maps forecasts back to each series'
    own time stamps.

    Parameters
    ----------
    y : pd.DataFrame or pd.Series with a row MultiIndex
        A panel (sktime's ``pd-multiindex``) or hierarchy
        (``pd_multiindex_hier``): instance level(s), then time. Time is an
        integer index, a ``PeriodIndex`` or a ``DatetimeIndex`` with an
        inferable frequency, regular within each series (no duplicate or
        missing time stamps: missing *values* as NaN are fine). Not changed.
    end : int, default=0
        The aligned step of every series' last row. With ``0``, the history is
        at steps ``<= 0`` and ``fh=1`` is each series' next time point.
    ends : pd.DataFrame or None, default=None
        The ``ends`` returned by an earlier call. Given, ``y`` is aligned with
        those series ends instead of its own: for exogenous data ``X`` that
        runs past the end of ``y`` (``predict``'s ``X``), or for new rows of the
        same series (``update``). ``end`` is then taken from ``ends``.

    Returns
    -------
    aligned : same type as ``y``
        The same rows and values, sorted by instance and time, with integer
        time steps (int64) in place of the time level (same level names).
    ends : pd.DataFrame
        One row per instance (index: the instance levels of ``y``), columns
        ``last_time`` (the series' own last time stamp), ``step`` (the time
        between consecutive stamps: an int for integer and period indexes,
        the frequency string for dates) and ``aligned_end`` (``end``).

    Raises
    ------
    TypeError
        ``y`` has no row MultiIndex (a single series needs no aligning), or
        its time level is not integer, period or datetime.
    ValueError
        A series with duplicate or missing time stamps; with ``ends``: an
        instance of ``y`` that ``ends`` does not hold, or a time stamp off
        that series' grid.

    See Also
    --------
    restore_series_times : map aligned steps back to each series' time stamps.

    Examples
    --------
    >>> import pandas as pd
    >>> from sktime_gru import align_series_ends, restore_series_times
    >>> y = pd.DataFrame(
    ...     {"value": [1.0, 2.0, 3.0, 10.0, 20.0]},
    ...     index=pd.MultiIndex.from_tuples(
    ...         [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2)],
    ...         names=["series_id", "t"],
    ...     ),
    ... )
    >>> aligned, ends = align_series_ends(y)
    >>> aligned.index.get_level_values("t").tolist()
    [-2, -1, 0, -1, 0]
    >>> ends["last_time"].tolist()
    [3, 2]
    >>> restore_series_times(aligned, ends).equals(y)
    True
    """
    _check_panel(y, "y")
    y = y if _time_sorted(y.index) else y.sort_index()
    if ends is None:
        panel = panel_from_frame(_numeric_view(y))
        last = panel.positions[panel.offsets[1:] - 1]  # -> (n,)
        rows = panel.series_of_rows()
        steps = (panel.positions - last[rows]) // panel.grid.step + int(end)
        ends = _ends_frame(panel, int(end))
    else:
        _check_ends(ends)
        end = int(ends["aligned_end"].iloc[0])
        last_times, step = _lookup(ends, y.index, "y")
        steps = _steps_between(last_times, y.index.get_level_values(-1), step)
        steps = steps + end
    aligned = y.copy(deep=False)  # the values are not copied, y is not changed
    aligned.index = _with_time(y.index, np.asarray(steps, dtype=np.int64))
    return aligned, ends


def restore_series_times(y, ends: pd.DataFrame):
    """Map a frame on aligned steps back to each series' own time stamps.

    The inverse of :func:`align_series_ends`: aligned step ``s`` of a series
    becomes its time stamp ``last_time + (s - aligned_end) * step``, so a
    forecast at ``fh=1`` lands on each series' own next time point.

    Parameters
    ----------
    y : pd.DataFrame or pd.Series with a row MultiIndex
        Rows on aligned steps: the output of ``predict``,
        ``predict_interval``, ``predict_quantiles``, ``predict_var`` or
        ``predict_residuals`` of a forecaster fitted on the aligned panel, or
        the aligned panel itself. Columns are kept as they are. Not changed.
    ends : pd.DataFrame
        The ``ends`` returned by :func:`align_series_ends`.

    Returns
    -------
    restored : same type as ``y``
        The same rows, values and order, with the time level holding each
        series' own time stamps (the type of the original time index).

    Raises
    ------
    TypeError
        ``y`` has no row MultiIndex, or its time level is not integer steps.
    ValueError
        An instance of ``y`` that ``ends`` does not hold.

    See Also
    --------
    align_series_ends : the alignment this undoes.
    """
    _check_panel(y, "y")
    _check_ends(ends)
    steps = y.index.get_level_values(-1)
    if not pd.api.types.is_integer_dtype(steps.dtype):
        raise TypeError(
            f"the time level of y has dtype {steps.dtype}, not the integer steps "
            "of an aligned panel: pass the forecasts of a forecaster fitted on "
            "the output of align_series_ends"
        )
    last_times, step = _lookup(ends, y.index, "y")
    ahead = np.asarray(steps, dtype=np.int64) - int(ends["aligned_end"].iloc[0])
    times = _times_after(last_times, ahead, step)
    restored = y.copy(deep=False)
    restored.index = _with_time(y.index, times)
    return restored


# ------------------------------------------------------------------ helpers --
def _check_panel(y, name: str) -> None:
    if not isinstance(y, (pd.DataFrame, pd.Series)):
        raise TypeError(
            f"{name} must be a pandas DataFrame or Series with a row MultiIndex "
            f"(instance, ..., time), not {type(y).__name__}"
        )
    if not isinstance(y.index, pd.MultiIndex):
        raise TypeError(
            f"{name} has a plain index, i.e. a single series, which needs no "
            "aligning; pass a panel with a row MultiIndex (instance, ..., time), "
            "e.g. df.set_index(['series_id', 't'])"
        )


def _check_ends(ends) -> None:
    if not isinstance(ends, pd.DataFrame) or list(ends.columns) != _COLUMNS:
        raise TypeError(
            "ends must be the DataFrame returned by align_series_ends (columns "
            f"{_COLUMNS}), not {type(ends).__name__}"
        )


def _time_sorted(index: pd.MultiIndex) -> bool:
    from sktime_gru._panel import is_sorted_unique

    return is_sorted_unique(index)


def _numeric_view(y) -> pd.DataFrame:
    """Return a one-column frame on ``y``'s index (only the index matters)."""
    return pd.DataFrame({"_": np.zeros(len(y))}, index=y.index)


def _ends_frame(panel, end: int) -> pd.DataFrame:
    last_rows = panel.offsets[1:] - 1
    last_times = panel.times[last_rows]
    grid = panel.grid
    if grid.kind == "int":
        step = grid.step
    elif grid.kind == "period":
        step = 1  # periods count in their own frequency
    else:
        step = pd.tseries.frequencies.to_offset(grid.freq).freqstr
    instances = panel.instances
    return pd.DataFrame(
        {
            "last_time": pd.Index(last_times).to_numpy()
            if grid.kind == "int"
            else pd.Index(last_times),
            "step": [step] * panel.n_series,
            "aligned_end": np.full(panel.n_series, end, dtype=np.int64),
        },
        index=instances,
    )


def _lookup(ends: pd.DataFrame, index: pd.MultiIndex, name: str):
    """Each row's series end (last time stamps as an Index) and the step."""
    instances = index.droplevel(-1)
    pos = ends.index.get_indexer(instances)
    if (pos < 0).any():
        missing = instances[pos < 0].unique()[:3].tolist()
        raise ValueError(
            f"{name} has instances that ends does not hold, e.g. {missing}: "
            "align and restore with the ends of the same panel"
        )
    last_times = pd.Index(ends["last_time"]).take(pos)
    return last_times, ends["step"].iloc[0]


def _steps_between(last_times: pd.Index, times: pd.Index, step) -> np.ndarray:
    """Return the steps from each row's series end to its time (negative before)."""
    if isinstance(last_times, pd.PeriodIndex):
        times = pd.PeriodIndex(times)
        diff = times.asi8 - last_times.asi8
        unit = times.freq.n
    elif isinstance(last_times, pd.DatetimeIndex):
        origin = min(last_times.min(), pd.DatetimeIndex(times).min())
        grid = TimeGrid("datetime-range", 1, freq=step, origin=origin)
        diff = grid.positions(pd.DatetimeIndex(times)) - grid.positions(last_times)
        unit = 1
    else:
        diff = np.asarray(times, dtype=np.int64) - np.asarray(last_times, np.int64)
        unit = int(step)
    if (diff % unit).any():
        raise ValueError(
            f"a time stamp is not a whole number of steps ({step}) from its "
            "series' end: align data of the same series and frequency"
        )
    return diff // unit


def _times_after(last_times: pd.Index, ahead: np.ndarray, step) -> pd.Index:
    """Time stamp ``ahead`` steps after each row's series end."""
    if isinstance(last_times, pd.PeriodIndex):
        return last_times + ahead
    if isinstance(last_times, pd.DatetimeIndex):
        offset = pd.tseries.frequencies.to_offset(step)
        # few distinct (end, steps ahead) pairs: one offset addition each
        keys = pd.MultiIndex.from_arrays([last_times, ahead])
        codes, uniques = keys.factorize()
        values = [t + k * offset for t, k in uniques]
        return pd.DatetimeIndex(values, tz=last_times.tz).take(codes)
    return pd.Index(np.asarray(last_times, dtype=np.int64) + ahead * int(step))


def _with_time(index: pd.MultiIndex, times) -> pd.MultiIndex:
    arrays = [index.get_level_values(i) for i in range(index.nlevels - 1)]
    return pd.MultiIndex.from_arrays(arrays + [times], names=index.names)
