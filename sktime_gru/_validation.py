"""Input-data checks in one place.

Each rule names the series, column and time stamp, the value received and
what is required or how to fix it, so that bad data fails at the start of
``fit`` / ``predict`` / ``update`` with a message a user can act on, never
deep inside sktime's converters or Keras. The parameter checks are
:mod:`sktime_gru._param_checks` (its :class:`InvalidParameterError` is
importable from here too).

The data checks run on every call, also on panels of 100,000 series, so they are
vectorised numpy: one pass over the values and the index, no per-series loop.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd

from sktime_gru._backend import check_not_forked
from sktime_gru._param_checks import InvalidParameterError

__all__ = [
    "InSampleHorizonError",
    "InvalidParameterError",
    "check_horizon",
    "check_long_enough",
    "check_not_forked",
    "check_in_history",
    "check_pretrain_columns",
    "check_x_aligned",
    "check_training_data",
    "check_x_columns",
    "check_x_covers_y",
    "check_y",
    "x_names",
]


class InSampleHorizonError(NotImplementedError, ValueError):
    """The forecasting horizon asks for time points that cannot be forecast in-sample.

    In-sample forecasts read the data the forecaster holds; a time point before
    the first one it holds has none before it (and a forecaster saved by an
    older version holds none at all). A ``ValueError`` since the value of
    ``fh`` is the problem, and a ``NotImplementedError`` as sktime raises for
    horizons a forecaster cannot serve.
    """


def _time_level(index: pd.Index) -> pd.Index:
    return index.levels[-1] if isinstance(index, pd.MultiIndex) else index


def _where(index: pd.Index, row: int) -> str:
    """Describe row ``row`` of ``index`` as 'instance ..., time ...' for messages."""
    key = index[row]
    if isinstance(index, pd.MultiIndex):
        instance = key[:-1] if len(key) > 2 else key[0]
        return f"instance {instance!r}, time {key[-1]}"
    return f"time {key}"


def _columns(y):
    """(label, 1-D values) of every column of a Series / DataFrame, no copies."""
    if isinstance(y, pd.Series):
        return [(y.name, y)]
    return [(label, y.iloc[:, j]) for j, label in enumerate(y.columns)]


def _is_nested(y) -> bool:
    """Whether ``y`` is sktime's "nested_univ" panel: cells hold whole series."""
    if not isinstance(y, pd.DataFrame) or not len(y):
        return False
    for j in range(y.shape[1]):
        if pd.api.types.is_object_dtype(y.dtypes.iloc[j]):
            return isinstance(y.iat[0, j], (pd.Series, np.ndarray))
    return False


def _check_time_index(y, name: str) -> None:
    time = _time_level(y.index)
    if isinstance(time, (pd.PeriodIndex, pd.DatetimeIndex)):
        return
    if pd.api.types.is_integer_dtype(time.dtype):
        return
    where = (
        "the last index level (time)"
        if isinstance(y.index, pd.MultiIndex)
        else "the index"
    )
    raise TypeError(
        f"{where} of {name} has dtype {time.dtype} ({type(time).__name__}), which "
        "is no time index: sktime_gru needs a PeriodIndex, a DatetimeIndex or "
        "an integer index as time; convert it, e.g. with pd.to_datetime(...) or "
        "pd.PeriodIndex(..., freq='M')"
    )


def _check_numeric(y, name: str) -> None:
    for label, col in _columns(y):
        dtype = col.dtype
        numeric = pd.api.types.is_numeric_dtype(dtype)
        if numeric and not pd.api.types.is_complex_dtype(dtype):
            continue
        # only on the error path: find the first value that is not a number
        as_num = pd.to_numeric(col, errors="coerce")
        bad = np.flatnonzero(as_num.isna().to_numpy() & col.notna().to_numpy())
        if bad.size:
            i = int(bad[0])
            example = (
                f"; the first non-numeric value is {col.iloc[i]!r} at "
                f"{_where(y.index, i)}"
            )
            fix = "convert it with pd.to_numeric or drop the column"
        else:
            example = " although its values are numbers"
            fix = "convert it with .astype(float)"
        raise TypeError(
            f"{name} column {label!r} has non-numeric (categorical) dtype "
            f"{dtype}{example}: "
            f"GRUEncoderDecoderForecaster needs numeric columns only; {fix}"
        )


def _check_unique(y, name: str) -> None:
    from sktime_gru._panel import is_sorted_unique

    index = y.index
    if isinstance(index, pd.MultiIndex) and is_sorted_unique(index):
        return  # the usual panel: no hash table of all rows needed
    # is_unique is cached on the index, so sktime's own check reuses it
    if index.is_unique:
        return
    row = int(np.flatnonzero(index.duplicated())[0])
    n_dup = int(index.duplicated().sum())
    raise ValueError(
        f"{name} has a duplicate index entry at {_where(index, row)} ({n_dup} "
        "duplicate rows in total): each series needs exactly one row per time "
        f"point; drop the duplicates, e.g. {name} = "
        f"{name}[~{name}.index.duplicated(keep='last')], or aggregate them with "
        f"{name}.groupby(level=...).mean()"
    )


def _check_time_order(y, name: str) -> None:
    """Raise unless every series' rows are in time order (sktime needs it)."""
    from sktime_gru._panel import is_sorted_unique

    index = y.index
    if not isinstance(index, pd.MultiIndex):
        if index.is_monotonic_increasing:
            return
        where = f"{name}'s rows are"
    else:
        if is_sorted_unique(index):
            return
        # instances in any order are fine (sktime accepts them, we sort them);
        # within an instance, time must increase: compare each row with the
        # previous row of its instance (a stable sort keeps the row order)
        instances = index.droplevel(-1)
        group, _ = instances.factorize()
        times = index.get_level_values(-1)
        times = times.asi8 if hasattr(times, "asi8") else np.asarray(times)
        order = np.argsort(group, kind="stable")
        group, times = group[order], times[order]
        back = np.flatnonzero((group[1:] == group[:-1]) & (times[1:] < times[:-1]))
        if not back.size:
            return
        first = instances[order[back[0] + 1]]
        where = f"the rows of instance {first!r} of {name} are"
    raise ValueError(
        f"{where} not in time order: sktime (and this forecaster) need each "
        f"series' rows sorted by time; sort them first, e.g. {name} = "
        f"{name}.sort_index()"
    )


def _check_finite(y, name: str, allow_missing: bool) -> None:
    for label, col in _columns(y):
        dtype = col.dtype
        if isinstance(dtype, np.dtype):
            if dtype.kind != "f":
                continue  # ints and bools cannot hold NaN or inf
            values = col.to_numpy()
        else:  # nullable extension dtypes: pd.NA counts as missing
            values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        if allow_missing:
            bad = np.isinf(values)
        elif np.isfinite(np.sum(values)):
            continue  # fast path: no NaN and no inf (one reduction, no copy)
        else:
            bad = ~np.isfinite(values)
        if not bad.any():
            continue
        rows = np.flatnonzero(bad)
        first = values[rows[0]]
        where = f"column {label!r}, {_where(y.index, int(rows[0]))}"
        count = f"{rows.size} value{'s' if rows.size > 1 else ''} in total"
        if np.isnan(first):
            raise ValueError(
                f"{name} contains missing values (NaN), the first at {where} "
                f"({count}), but this forecaster does not support missing values: "
                f"fill them, e.g. {name}.interpolate() or "
                f"{name}.groupby(level=0).ffill() for a panel, or drop the "
                "affected time points or series"
            )
        raise ValueError(
            f"{name} contains an infinite value ({first}) at {where} ({count}): "
            "GRUEncoderDecoderForecaster needs finite values; replace them, e.g. "
            f"{name}.replace([np.inf, -np.inf], np.nan), then fill or interpolate"
            + ("" if allow_missing else " the gaps")
        )


def check_y(y, name: str = "y", allow_missing: bool = False) -> None:
    """Validate endogenous (or exogenous) data before sktime converts it.

    Catches what sktime would reject with a generic message, or let through to
    fail later: empty data, a time index that is no time, non-numeric columns,
    duplicate time stamps, infinite values, and NaN unless ``allow_missing``.
    Types other than ``pd.Series`` / ``pd.DataFrame`` (and sktime's nested
    frames, whose cells are series) are left to sktime's own checks (it accepts
    more containers), except a list of plain values.

    Parameters
    ----------
    y : pd.Series, pd.DataFrame or another sktime container
    name : str, default="y"
        Name used in messages (``"y"`` or ``"X"``).
    allow_missing : bool, default=False
        Accept NaN (the forecaster's ``capability:missing_values`` tag).

    Raises
    ------
    ValueError
        Empty data, duplicate index entries, rows of a series out of time
        order, NaN (when not allowed) or inf; the message names series,
        column and time stamp of the first problem.
    TypeError
        Not a time index, non-numeric columns, or a list of plain values.
    """
    if isinstance(y, (list, tuple)):
        # a list of DataFrames is sktime's "df-list" panel container
        if not all(isinstance(v, pd.DataFrame) for v in y) or not y:
            raise TypeError(
                f"{name} has an unsupported type: a {type(y).__name__} of plain "
                "values; pass a pandas Series or DataFrame with a time index, e.g. "
                f"pd.Series(values, index=pd.period_range('2000-01', "
                f"periods=len(values), freq='M'))"
            )
        return
    if not isinstance(y, (pd.Series, pd.DataFrame)) or _is_nested(y):
        return
    if len(y) == 0 or (isinstance(y, pd.DataFrame) and y.shape[1] == 0):
        raise ValueError(
            f"{name} is empty ({y.shape[0]} rows, "
            f"{1 if y.ndim == 1 else y.shape[1]} columns): pass at least "
            "window_length + output_length time points per series"
        )
    _check_time_index(y, name)
    _check_numeric(y, name)
    _check_unique(y, name)
    _check_time_order(y, name)
    _check_finite(y, name, allow_missing)


def check_x_covers_y(y, X) -> None:
    """Raise unless ``X`` has a row for every (series, time point) of ``y``.

    Pre-empts sktime's "indices ... are not contained" message in ``fit``; only
    checks pandas containers (others are left to sktime).

    Raises
    ------
    ValueError
        Naming the first row of ``y`` that ``X`` lacks and how many are missing.
    """
    if not isinstance(y, (pd.Series, pd.DataFrame)) or not isinstance(
        X, (pd.Series, pd.DataFrame)
    ):
        return
    if y.index.nlevels != X.index.nlevels:
        raise ValueError(
            f"X has {X.index.nlevels} index levels but y has {y.index.nlevels}: X "
            "must be indexed like y (same instance levels, time last)"
        )
    missing = ~y.index.isin(X.index)
    if not missing.any():
        return
    rows = np.flatnonzero(missing)
    raise ValueError(
        f"X has no row for {rows.size} of the {len(y)} rows of y, the first at "
        f"{_where(y.index, int(rows[0]))}: in fit, X must cover every time point of "
        "every series of y; pass X over the whole training period (index as y)"
    )


def check_training_data(y, X, fh, allow_missing: bool) -> None:
    """Check the input of ``fit`` and ``pretrain`` before sktime does.

    Our messages name the series, column, time stamp and fix.
    """
    check_not_forked()
    check_horizon(fh)
    check_y(y, "y", allow_missing=allow_missing)
    if X is not None:
        check_y(X, "X", allow_missing=True)
        check_x_covers_y(y, X)


def check_horizon(fh) -> None:
    """Validate a forecasting horizon given as plain values, before sktime does.

    ``ForecastingHorizon`` objects, ``None``, time-stamp indexes and other
    valid containers pass through to sktime. Integer steps are relative to the
    cutoff; in-sample steps (``<= 0``) are checked against the data the
    forecaster holds in ``predict`` (:func:`check_in_history`).

    Raises
    ------
    ValueError
        An empty ``fh``.
    TypeError
        Strings, booleans or non-integer numbers as steps.
    """
    if fh is None or type(fh).__name__ == "ForecastingHorizon":
        return
    if isinstance(fh, (str, bytes, bool, np.bool_)):
        raise TypeError(
            f"fh must be steps ahead (integers) or time stamps, got {fh!r}: "
            "pass e.g. fh=[1, 2, 3] or fh=range(1, 13)"
        )
    if isinstance(fh, numbers.Integral):
        return
    if isinstance(fh, numbers.Real):
        raise TypeError(
            f"fh must be integer steps ahead, got {fh!r}: pass e.g. "
            f"fh={max(int(fh), 1)} or fh=[1, 2, 3]"
        )
    if not isinstance(fh, (list, tuple, range, np.ndarray, pd.Index)):
        return
    if len(fh) == 0:
        raise ValueError("fh is empty: pass at least one step ahead, e.g. fh=[1, 2, 3]")
    values = np.asarray(fh)
    kind = values.dtype.kind
    if kind in "fc" or kind == "b":
        raise TypeError(
            f"fh must be integer steps ahead, got {values.dtype} values "
            f"{values.tolist()[:5]}: pass integers, e.g. fh=[1, 2, 3]"
        )
    elif kind in "US" or (
        kind == "O" and any(isinstance(v, (str, bytes)) for v in values.ravel())
    ):
        raise TypeError(
            f"fh must be integer steps ahead or time stamps, got strings "
            f"{values.tolist()[:5]}: pass e.g. fh=[1, 2, 3], or a "
            "pd.PeriodIndex / pd.DatetimeIndex of future times"
        )


def check_in_history(steps: np.ndarray, earliest: int | None) -> None:
    """Raise unless every step of ``fh`` is at or after the first time point held.

    Parameters
    ----------
    steps : np.ndarray of int
        Steps of ``fh`` relative to the cutoff.
    earliest : int or None
        Step (relative to the cutoff, ``<= 0``) of the first time point of the
        data the forecaster holds; None: it holds no data before the cutoff
        (saved by an older version), so no in-sample step can be forecast.

    Raises
    ------
    InSampleHorizonError
        Naming the steps before that time point and how to fix it.
    """
    steps = np.asarray(steps)
    if earliest is None:
        bad = sorted(set(steps[steps <= 0].tolist()))
        if bad:
            raise InSampleHorizonError(
                f"fh contains in-sample steps {bad}, but this forecaster holds "
                "no training data to forecast them from (it was saved by an "
                "older version): fit it again, or pass steps >= 1"
            )
        return
    bad = sorted(set(steps[steps < earliest].tolist()))
    if bad:
        raise InSampleHorizonError(
            f"fh contains steps {bad} before the first time point of the "
            f"training data (step {earliest} relative to the cutoff): there is "
            "no data to forecast them from; pass steps >= "
            f"{earliest + 1} (step {earliest}, the first time point itself, is "
            "NaN), or fit on data that starts earlier"
        )


# ----------------------------------------------------------- panel data --
def check_long_enough(panel, decoder_length: int) -> None:
    """Raise unless some series of ``panel`` holds one training window.

    Series shorter than ``window_length + decoder_length`` are padded at their front
    (see :func:`sktime_gru._windowing.front_padding`), so a training window
    needs one observed input and ``decoder_length`` observed targets.

    Parameters
    ----------
    panel : sktime_gru._panel.Panel
    decoder_length : int
        The decoder length.
    """
    longest = int(panel.lengths.max())
    if longest < decoder_length + 1:
        raise ValueError(
            f"the longest series has {longest} time points, fewer than "
            f"output_length + 1 = {decoder_length + 1} needed for one training window "
            "(one input and output_length targets): use a shorter output_length "
            "or fh, or longer series"
        )


def warn_if_ends_differ(panel) -> None:
    """Warn once when some series end before the panel's cutoff.

    sktime forecasts a panel at common time points after its cutoff (the
    latest time stamp of all series), so such a series' first forecast step
    lies further ahead of its own data than ``fh`` says.

    Parameters
    ----------
    panel : sktime_gru._panel.Panel
    """
    if panel.n_series < 2:
        return
    last = panel.positions[panel.offsets[1:] - 1]  # -> (n,)
    behind = (last.max() - last) // panel.grid.step  # steps before the cutoff
    early = np.flatnonzero(behind > 0)
    if not early.size:
        return
    gaps = behind[early]
    first = int(early[np.argmax(gaps)])
    cutoff = panel.times[panel.offsets[1:][np.argmax(last)] - 1]
    warnings.warn(
        f"{early.size} of {panel.n_series} series end before the panel's cutoff "
        f"({cutoff}, the latest time point of all series). Forecasts are made at "
        "the same time points for every series, as sktime does, so for these "
        "series fh=1 is not their next time point but "
        f"{int(np.median(gaps))} steps later (median; at most {int(gaps.max())}, "
        f"for {panel.label(first)}). If you want each series forecast from its own "
        "end (e.g. series whose time is a step count, as M1's), align them: "
        "aligned, ends = sktime_gru.align_series_ends(y); fit and predict on "
        "aligned, then sktime_gru.restore_series_times(y_pred, ends) (README: "
        "'Panels whose series end at different times'). If the common time "
        "points are what you want, ignore this warning",
        UserWarning,
        stacklevel=2,
    )


def check_x_aligned(panel, panel_x) -> None:
    """Raise unless X has exactly the series and time points of y (both Panels)."""
    same = (
        panel.n_series == panel_x.n_series
        and np.array_equal(panel.offsets, panel_x.offsets)
        and np.array_equal(panel.positions, panel_x.positions)
    )
    if panel.instances is not None and same:
        same = panel.instances.equals(panel_x.instances)
    if not same:
        raise ValueError(
            "X must have the same series and time points as y (same index): "
            f"y has {len(panel.values)} rows in {panel.n_series} series, X has "
            f"{len(panel_x.values)} rows in {panel_x.n_series} series; align X to "
            "y, e.g. X = X.loc[y.index]"
        )


# ------------------------------------------------------------ X columns --
def x_names(x_columns) -> list | None:
    """Return the fitted X columns as a list (None: fitted without X)."""
    return None if x_columns is None else list(x_columns)


def check_x_columns(columns, x_columns) -> None:
    """Raise unless ``columns`` are the fitted X columns ``x_columns``."""
    expected = x_names(x_columns)
    if expected is None:
        raise ValueError(
            "X was passed, but the forecaster was fitted without X: "
            "refit with X, or do not pass X"
        )
    if list(columns) != expected:
        raise ValueError(
            f"X has columns {list(columns)}, but the forecaster was fitted "
            f"with X columns {expected}: pass X with the same columns"
        )


def check_pretrain_columns(data, pretrain_columns) -> None:
    """Raise unless ``data`` has as many y and X columns as ``pretrain`` had.

    Columns are matched by position, so only the counts must agree.
    ``data``: the rows of the call (:class:`~sktime_gru._data.Data`);
    ``pretrain_columns``: ``(y columns, X columns or None)`` of ``pretrain``.
    """
    y_cols, x_cols = pretrain_columns
    n_x = 0 if x_cols is None else len(x_cols)
    got_y, got_x = data.panel.values.shape[1], len(data.x_names or [])
    if (got_y, got_x) != (len(y_cols), n_x):
        raise ValueError(
            f"the network was pretrained on {len(y_cols)} y column(s) "
            f"{y_cols} and {n_x} X column(s), but got {got_y} y column(s) "
            f"and {got_x} X column(s): pass data with as many columns, in "
            "the same order, as in pretrain"
        )
