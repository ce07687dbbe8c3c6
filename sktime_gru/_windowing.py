"""Sliding windows over a panel stored as one flat array.

Pure numpy: no keras, no sktime. A panel of ``n`` series is held as one array
``values`` of shape ``(T_total, F)`` (the series stacked one after the other) and
``offsets`` of shape ``(n + 1,)``: series ``i`` is ``values[offsets[i]:offsets[i+1]]``.
A training window is identified by the flat position of its first time point, so
windows are never copied until a batch is gathered.

Dimension legend used in the shape comments:
``N`` windows, ``W`` window (input) length, ``H`` decoder length
(``decoder_length``: the steps the decoder emits per call), ``F`` input
features, ``T`` targets, ``n`` series.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "complete_windows",
    "evenly_at_most",
    "front_padding",
    "fill_window_gaps",
    "gather_blocks",
    "gather_partial_windows",
    "gather_windows",
    "interpolate_gaps",
    "new_row_starts",
    "partial_window_positions",
    "split_backtest",
    "split_train_validation",
    "tail_rows",
    "training_windows",
    "window_starts",
]


def window_starts(offsets: np.ndarray, window: int, decoder_length: int) -> np.ndarray:
    """Flat start positions of every complete (input, target) window.

    A window starting at flat position ``s`` uses ``values[s:s + window]`` as
    input and ``values[s + window:s + window + decoder_length]`` as target; it never
    crosses from one series into the next.

    Parameters
    ----------
    offsets : np.ndarray of int, shape (n + 1,)
        Series boundaries in the flat array, non-decreasing, ``offsets[0] == 0``.
    window, decoder_length : int
        Input and target lengths, both >= 1.

    Returns
    -------
    starts : np.ndarray of int64, shape (N,)
        Sorted by series, then by time. Series shorter than ``window + decoder_length``
        contribute no window.
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    span = window + decoder_length
    # n_i = T_i - span + 1 windows for series i (or none)
    counts = np.maximum(np.diff(offsets) - span + 1, 0)  # -> (n,)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    # position of each window inside its own series: 0..n_i-1, vectorised
    series_of = np.repeat(np.arange(len(counts)), counts)  # -> (N,)
    first_of_series = np.cumsum(counts) - counts  # -> (n,)
    local = np.arange(total) - first_of_series[series_of]  # -> (N,)
    return offsets[:-1][series_of] + local


def front_padding(
    offsets: np.ndarray, pad: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row map of a flat panel with ``pad[i]`` rows put before series ``i``.

    Short series are padded at their front so that they give windows with
    fewer observed inputs than ``window`` (the padding repeats the series'
    first observation once encoded, as N-BEATS pads short histories).

    Parameters
    ----------
    offsets : np.ndarray of int, shape (n + 1,)
    pad : np.ndarray of int >= 0, shape (n,)

    Returns
    -------
    new_offsets : np.ndarray of int64, shape (n + 1,)
    source : np.ndarray of int64, shape (R',)
        Row of the unpadded panel behind every new row: the series' first row
        for a padding row.
    before : np.ndarray of int64, shape (R',)
        Steps a row lies before its series' first row (0 for observed rows).
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    pad = np.asarray(pad, dtype=np.int64)
    lengths = np.diff(offsets) + pad
    new_offsets = np.concatenate([[0], np.cumsum(lengths)])
    series = np.repeat(np.arange(len(lengths)), lengths)  # -> (R',)
    local = np.arange(new_offsets[-1]) - new_offsets[series] - pad[series]
    source = offsets[series] + np.maximum(local, 0)
    return new_offsets, source, np.maximum(-local, 0)


def split_train_validation(
    offsets: np.ndarray, starts: np.ndarray, decoder_length: int, fraction: float
) -> tuple[np.ndarray, np.ndarray]:
    """Hold out the latest windows of every series, purged of target overlap.

    For each series the last ``ceil(fraction * n_i)`` windows are validation
    windows. Training windows whose targets would overlap the targets of the
    first validation window of the same series are dropped (``decoder_length - 1``
    windows), so validation targets are never trained on.

    Parameters
    ----------
    offsets : np.ndarray of int, shape (n + 1,)
    starts : np.ndarray of int64, shape (N,)
        As returned by :func:`window_starts`.
    decoder_length : int
    fraction : float in (0, 1)

    Returns
    -------
    train_starts, val_starts : np.ndarray of int64
    """
    series_of = np.searchsorted(offsets, starts, side="right") - 1  # -> (N,)
    counts = np.bincount(series_of, minlength=len(offsets) - 1)  # -> (n,)
    first = np.cumsum(counts) - counts
    local = np.arange(len(starts)) - first[series_of]  # rank inside series
    n_val = np.ceil(fraction * counts).astype(np.int64)  # -> (n,)
    n_val = np.where(counts > 0, np.maximum(n_val, 1), 0)
    first_val = counts - n_val  # local index of the first validation window
    is_val = local >= first_val[series_of]
    # window k's targets end at k + W + H - 1; first validation target at
    # first_val + W, so training needs k + H - 1 < first_val
    is_train = local < (first_val[series_of] - decoder_length + 1)
    return starts[is_train], starts[is_val]


def split_backtest(
    offsets: np.ndarray,
    window: int,
    decoder_length: int,
    held_back: int,
    recent: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Split windows for a backtest holding back the last ``held_back`` points.

    Training windows (complete) end before the cut, ``held_back`` points before
    each series' end. Test windows have a complete input window and their first
    target at or after the cut, and at least one target inside the series: one
    per forecast origin in the held-back part, so the later ones have fewer
    than ``decoder_length`` targets (see :func:`gather_partial_windows`). A network
    trained on the former never saw a target of the latter.

    Parameters
    ----------
    offsets : np.ndarray of int, shape (n + 1,)
    window, decoder_length, held_back : int
    recent : int or None, default=None
        Training windows only whose targets end within the last ``recent``
        points before the cut (:func:`training_windows`' rule at the cut).

    Returns
    -------
    train_starts, test_starts : np.ndarray of int64
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    starts = window_starts(offsets, window, decoder_length)
    series_of = np.searchsorted(offsets, starts, side="right") - 1  # -> (N,)
    cut = offsets[1:] - held_back  # first held-back row of every series
    train = starts[starts + window + decoder_length <= cut[series_of]]
    train = _recent(train, offsets, cut, window + decoder_length, recent)
    # test starts: from max(series start, cut - window) to end - window - 1
    first = np.maximum(offsets[:-1], cut - window)
    last = offsets[1:] - window - 1
    counts = np.maximum(last - first + 1, 0)
    series = np.repeat(np.arange(len(counts)), counts)
    local = np.arange(int(counts.sum())) - (np.cumsum(counts) - counts)[series]
    return train, first[series] + local


def gather_partial_windows(
    values: np.ndarray,
    starts: np.ndarray,
    window: int,
    decoder_length: int,
    ends: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Windows whose targets may run past the end of their series.

    Rows after the end repeat the series' last row (callers replace what is
    known ahead, and mask the targets with ``valid``).

    Parameters
    ----------
    values : np.ndarray, shape (T_total, F)
    starts : np.ndarray of int, shape (N,)
    window, decoder_length : int
    ends : np.ndarray of int, shape (N,)
        One past the last row of each window's series.

    Returns
    -------
    block : np.ndarray, shape (N, W + H, F)
    valid : np.ndarray of bool, shape (N, W + H)
        Rows inside the series.
    """
    rows = np.asarray(starts, dtype=np.int64)[:, None] + np.arange(
        window + decoder_length
    )
    valid = rows < np.asarray(ends)[:, None]
    rows = np.minimum(rows, np.asarray(ends)[:, None] - 1)
    return values[rows], valid


def gather_blocks(values: np.ndarray, starts: np.ndarray, span: int) -> np.ndarray:
    """Rows ``[s, s + span)`` of every start ``s``: whole windows, not split.

    Parameters
    ----------
    values : np.ndarray, shape (T_total, F)
    starts : np.ndarray of int, shape (N,)
    span : int
        ``W + H``.

    Returns
    -------
    np.ndarray, shape (N, W + H, F)
    """
    starts = np.asarray(starts, dtype=np.int64)
    return values[starts[:, None] + np.arange(span)]


def gather_windows(
    values: np.ndarray,
    starts: np.ndarray,
    window: int,
    decoder_length: int,
    target_columns: slice | np.ndarray | list[int] = slice(None),
) -> tuple[np.ndarray, np.ndarray]:
    """Materialise the windows that start at ``starts``.

    Parameters
    ----------
    values : np.ndarray, shape (T_total, F)
    starts : np.ndarray of int, shape (N,)
    window, decoder_length : int
    target_columns : slice or sequence of int
        Columns of ``values`` that are targets.

    Returns
    -------
    inputs : np.ndarray, shape (N, W, F)
    targets : np.ndarray, shape (N, H, T)
    """
    block = gather_blocks(values, starts, window + decoder_length)  # -> (N, W + H, F)
    return block[:, :window], block[:, window:][..., target_columns]


def partial_window_positions(
    positions: np.ndarray, starts: np.ndarray, span: int, ends: np.ndarray, step: int
) -> np.ndarray:
    """Grid positions of the rows of windows that may run past their series' end.

    Rows inside the series keep their position; rows past the end continue the
    grid (the forecast period's time points, as ``predict`` sees them).

    Parameters
    ----------
    positions : np.ndarray of int, shape (T_total,)
        Grid position of every flat row.
    starts, ends : np.ndarray of int, shape (N,)
        As for :func:`gather_partial_windows`.
    span : int
        ``W + H``.
    step : int
        Grid step.

    Returns
    -------
    np.ndarray of int, shape (N, W + H)
    """
    rows = np.asarray(starts, dtype=np.int64)[:, None] + np.arange(span)
    inside = np.minimum(rows, np.asarray(ends)[:, None] - 1)  # -> (N, W + H)
    return positions[inside] + step * (rows - inside)


def new_row_starts(n_series: int, length: int, n_new: np.ndarray, span: int):
    """Return the starts of windows over end-aligned tails that hold a new row.

    The tails of ``n_series`` series are stacked flat, ``length`` rows each,
    the last ``n_new[i]`` rows of series ``i`` new (``update``).

    Parameters
    ----------
    n_series, length, span : int
    n_new : np.ndarray of int, shape (n,)

    Returns
    -------
    np.ndarray of int64, shape (N,)
        Flat starts ``i * length + s`` with ``s + span > length - n_new[i]``.
    """
    first = np.maximum(length - n_new - span + 1, 0)  # -> (n,)
    return np.concatenate(
        [i * length + np.arange(first[i], length - span + 1) for i in range(n_series)]
    ).astype(np.int64)


def tail_rows(values: np.ndarray, offsets: np.ndarray, length: int) -> np.ndarray:
    """Return the last ``length`` rows of every series (NaN before its start).

    Parameters
    ----------
    values : np.ndarray, shape (T_total, F)
    offsets : np.ndarray of int, shape (n + 1,)
    length : int

    Returns
    -------
    np.ndarray of float, shape (n, length, F)
    """
    idx = offsets[1:, None] - length + np.arange(length)  # -> (n, L)
    valid = idx >= offsets[:-1, None]
    return np.where(valid[..., None], values[np.maximum(idx, 0)], np.nan)


def complete_windows(values: np.ndarray, starts: np.ndarray, span: int) -> np.ndarray:
    """Boolean mask of the windows ``[s, s + span)`` without any NaN.

    Parameters
    ----------
    values : np.ndarray, shape (T_total, F)
    starts : np.ndarray of int, shape (N,)
    span : int

    Returns
    -------
    np.ndarray of bool, shape (N,)
    """
    bad = np.isnan(values).any(axis=1)
    if not bad.any():
        return np.ones(len(starts), dtype=bool)
    # bad rows in [s, s + span) via a cumulative count: O(T_total + N)
    counts = np.concatenate([[0], np.cumsum(bad)])
    return (counts[starts + span] - counts[starts]) == 0


def fill_window_gaps(windows: np.ndarray, labels) -> np.ndarray:
    """Fill NaN in predict inputs: linear inside, nearest value at the edges.

    Parameters
    ----------
    windows : np.ndarray, shape (n, W, F)
        Unscaled last windows (a copy is filled).
    labels : callable
        ``labels(i)`` names series ``i`` for messages.

    Returns
    -------
    np.ndarray, shape (n, W, F)

    Raises
    ------
    ValueError
        If a column of a window has no value at all.

    Warns
    -----
    UserWarning
        Naming the series whose inputs were filled.
    """
    missing = np.isnan(windows)
    if not missing.any():
        return windows
    out = windows.copy()
    steps = np.arange(windows.shape[1])
    filled = []
    for i, f in zip(*np.nonzero(missing.any(axis=1))):
        known = ~missing[i, :, f]
        if not known.any():
            raise ValueError(
                f"{labels(i)} has no observed value in column {f} of its last "
                f"{windows.shape[1]} time points, the input window of predict: "
                "fill the missing values, or drop the series"
            )
        out[i, :, f] = np.interp(steps, steps[known], windows[i, known, f])
        filled.append(i)
    names = ", ".join(labels(i) for i in sorted(set(filled))[:5])
    warnings.warn(
        f"NaN in the last input window of {names} were filled by linear "
        "interpolation (nearest value at the edges) for predict",
        UserWarning,
        stacklevel=3,
    )
    return out


def interpolate_gaps(windows: np.ndarray) -> np.ndarray:
    """Fill NaN along the window axis, vectorised: linear inside, nearest at the edges.

    The same filling as :func:`fill_window_gaps`, for many windows at once
    (in-sample forecasts): no warning, and a column without any value in a
    window stays NaN instead of raising.

    Parameters
    ----------
    windows : np.ndarray, shape (N, W, F)

    Returns
    -------
    np.ndarray, shape (N, W, F)
        A filled copy (``windows`` itself when it holds no NaN).
    """
    missing = np.isnan(windows)
    if not missing.any():
        return windows
    width = windows.shape[1]
    steps = np.arange(width)[None, :, None]  # -> (1, W, 1)
    # the last known step at or before each step, the first at or after it
    before = np.maximum.accumulate(np.where(missing, -1, steps), axis=1)
    after = np.where(missing, width, steps)[:, ::-1]
    after = np.minimum.accumulate(after, axis=1)[:, ::-1]  # -> (N, W, F)
    at_before = np.take_along_axis(windows, np.clip(before, 0, width - 1), axis=1)
    at_after = np.take_along_axis(windows, np.clip(after, 0, width - 1), axis=1)
    inside = (before >= 0) & (after < width)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(inside, (steps - before) / np.maximum(after - before, 1), 0)
    filled = np.where(
        inside,
        at_before + (at_after - at_before) * share,
        np.where(before >= 0, at_before, at_after),  # NaN: no value at all
    )
    return np.where(missing, filled, windows)


def evenly_at_most(starts: np.ndarray, limit: int) -> np.ndarray:
    """At most ``limit`` of ``starts``, evenly spaced: every series and period stays."""
    if len(starts) <= limit:
        return starts
    return starts[np.linspace(0, len(starts) - 1, limit).astype(np.int64)]


def training_windows(
    offsets: np.ndarray,
    values: np.ndarray,
    window: int,
    decoder_length: int,
    validation_split: float | None,
    require: bool = True,
    recent: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Training and held-out window starts, without windows that hold NaN.

    Parameters
    ----------
    offsets : np.ndarray of int, shape (n + 1,)
    values : np.ndarray, shape (R, F)
        The flat rows (raw or scaled: the same NaN).
    window, decoder_length : int
        Input and target length of a window.
    validation_split : float or None
        Fraction of the latest windows of every series held out
        (:func:`split_train_validation`); None or 0: none.
    require : bool, default=True
        Raise ``ValueError`` when no complete training window is left.
    recent : int or None, default=None
        Keep only the training windows whose targets end within the last
        ``recent`` points of their series (None: all).

    Returns
    -------
    train : np.ndarray of int64, shape (N,)
    held_out : np.ndarray of int64, shape (N',)
    """
    starts = window_starts(offsets, window, decoder_length)
    held_out = starts[:0]
    if validation_split:
        starts, held_out = split_train_validation(
            offsets, starts, decoder_length, validation_split
        )
    span = window + decoder_length
    starts = _recent(starts, offsets, offsets[1:], span, recent)
    train = starts[complete_windows(values, starts, span)]
    held_out = held_out[complete_windows(values, held_out, span)]
    if not len(train) and require:
        raise ValueError(
            "no complete training window: every window of window_length + "
            f"output_length = {span} time points contains NaN, or "
            f"validation_split={validation_split} holds out all of them"
            + (f", or recent_windows={recent} leaves none of them" if recent else "")
            + "; fill missing values, use shorter windows or a smaller "
            "validation_split" + (" or a larger recent_windows" if recent else "")
        )
    return train, held_out


def _recent(starts, offsets, ends, span, recent):
    """Keep the ``starts`` whose windows end in the last ``recent`` points.

    ``ends`` (S,): the row after each series' last usable point (its end, or
    its backtest cut); ``recent`` None keeps them all, at no cost.
    """
    if recent is None:
        return starts
    series = np.searchsorted(offsets, starts, side="right") - 1  # -> (N,)
    return starts[starts + span > ends[series] - recent]
