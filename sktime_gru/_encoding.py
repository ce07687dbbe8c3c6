"""The model's inputs, fitted on training data only, and their inverse.

Pure numpy: no keras, no sktime. This module owns the column layout of what the
network sees, ``[targets - profile | X | calendar]``, scaled: the log transform
of the targets of positive series (the backbone's multiplicative form), the
scaling policy (one scaler per series or one for all), the backbone's
row-wise profile subtracted from the targets (each series' mean and smooth
seasonal shape, see ``sktime_gru._backbone``), the calendar columns (and the
seasonal period they cycle with, resolved from the data's frequency), which
columns the decoder knows ahead (X and calendar), and the way back from scaled
forecasts to the data's units. Every place that builds or undoes model inputs
goes through :class:`Encoding`.

Dimension legend used in the shape comments:
``R`` flat rows of a panel, ``n`` series, ``S`` steps, ``C = T + Fx`` raw
columns (``T`` targets, ``Fx`` exogenous), ``Fc`` calendar columns,
``F = C + Fc`` model input features, ``K = Fx + Fc`` known-ahead features,
``P`` seasonal period.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sktime_gru._backbone import Backbone, estimate_period, fit_profile
from sktime_gru._scaling import MinMaxStats, fit_minmax

__all__ = [
    "Encoding",
    "calendar_features",
    "fit_scaler",
    "resolve_period",
    "resolve_seasonal_period",
    "seasonal_profile",
]


#: rows of a panel encoded at a time (:meth:`Encoding.encode_rows`)
ENCODE_CHUNK_ROWS = 2**20

# seasonal cycle length by pandas frequency prefix (the calendar's natural cycle)
_AUTO_PERIODS = (
    ("QS", 4),
    ("Q", 4),
    ("MS", 12),
    ("ME", 12),
    ("M", 12),
    ("W", 52),
    ("B", 5),
    ("D", 7),
    ("h", 24),
    ("H", 24),
)


def resolve_period(value, panel) -> int | None:
    """``seasonal_period`` for ``panel``: from its frequency or its data.

    ``"auto"`` on an integer index (no frequency) estimates the period from
    the data (:func:`~sktime_gru._backbone.estimate_period`); otherwise
    :func:`resolve_seasonal_period`.
    """
    if value == "auto" and panel.grid.freq is None:
        return estimate_period(panel.values, panel.offsets)
    return resolve_seasonal_period(value, panel.grid.freq)


def resolve_seasonal_period(value, freq) -> int | None:
    """Resolve the ``seasonal_period`` parameter against the data's frequency.

    Parameters
    ----------
    value : int, "auto" or None
    freq : pandas offset, str or None
        Frequency of the time index (None for an integer index).

    Returns
    -------
    int or None
        ``None`` means no calendar features. ``"auto"`` maps monthly data to 12,
        quarterly to 4, weekly to 52, business-daily to 5, daily to 7, hourly to
        24, and anything else (integer index, yearly, ...) to None. A multiplied
        frequency completes the cycle in fewer steps ("2h": 12, "2M": 6, "3MS":
        4); None when the steps do not divide it ("2D", "5h").
    """
    if value is None or (isinstance(value, (int, np.integer)) and value >= 2):
        return None if value is None else int(value)
    if value != "auto":
        raise ValueError(
            f"seasonal_period must be an integer >= 2, 'auto' or None, got {value!r}"
        )
    if freq is None:
        return None
    name = getattr(freq, "freqstr", str(freq))
    base = name.lstrip("0123456789")
    multiple = int(name[: len(name) - len(base)] or 1)
    for prefix, period in _AUTO_PERIODS:
        if base.startswith(prefix):
            steps, rest = divmod(period, multiple)
            return steps if rest == 0 and steps >= 2 else None
    return None


def calendar_features(positions: np.ndarray, period: int | None) -> np.ndarray:
    """Sine and cosine of the position in the seasonal cycle.

    Parameters
    ----------
    positions : np.ndarray of int, shape (...,)
        Absolute grid positions (period ordinals: for monthly data ordinal
        ``% 12`` is the month of year).
    period : int or None

    Returns
    -------
    np.ndarray of float32, shape (..., 2), or (..., 0) when ``period`` is None.
    """
    positions = np.asarray(positions)
    if period is None:
        return np.zeros((*positions.shape, 0), dtype=np.float32)
    angle = 2 * np.pi * np.mod(positions, period) / period
    return np.stack([np.sin(angle), np.cos(angle)], axis=-1).astype(np.float32)


def fit_scaler(
    raw: np.ndarray, series: np.ndarray, n_series: int, scaling: str | None
) -> MinMaxStats:
    """Min-max statistics of the training rows (targets and X columns).

    Parameters
    ----------
    raw : np.ndarray, shape (R, C)
        Unscaled training rows, may hold NaN.
    series : np.ndarray of int, shape (R,)
        Series number of every row.
    n_series : int
    scaling : {"global", "per_series", None}
        One scaler per column for all series, one per series and column, or
        the identity.

    Returns
    -------
    MinMaxStats
        With 1 group (``"global"``, ``None``) or ``n_series`` groups.
    """
    if scaling is None:
        zeros = np.zeros((1, raw.shape[1]))
        return MinMaxStats(zeros - 1.0, zeros + 1.0, (-1.0, 1.0))  # identity
    if scaling == "global":
        return fit_minmax(raw, np.zeros(len(raw), dtype=np.int64), 1)
    return fit_minmax(raw, series, n_series)


def seasonal_profile(
    values: np.ndarray,
    series: np.ndarray,
    phase: np.ndarray,
    n_series: int,
    period: int,
) -> np.ndarray:
    """Mean of every series at every position of the seasonal cycle, ignoring NaN.

    The legacy profile of a forecaster fitted without a backbone's components
    (``Encoding.backbone`` None); the backbone's own profile is
    :func:`~sktime_gru._backbone.fit_profile`.

    Parameters
    ----------
    values : np.ndarray, shape (R, T)
    series : np.ndarray of int, shape (R,)
        Series number of every row.
    phase : np.ndarray of int, shape (R,)
        Position of every row in the cycle, in ``range(period)``.
    n_series, period : int

    Returns
    -------
    np.ndarray, shape (n_series, period, T)
        A phase a series never observed gets that series' overall mean (0 when
        the series has no value at all).
    """
    n_cols = values.shape[1]
    known = ~np.isnan(values)
    cell = series * period + phase  # -> (R,)
    sums = np.zeros((n_series * period, n_cols))
    counts = np.zeros((n_series * period, n_cols))
    np.add.at(sums, cell, np.where(known, values, 0.0))
    np.add.at(counts, cell, known)
    sums = sums.reshape(n_series, period, n_cols)
    counts = counts.reshape(n_series, period, n_cols)
    overall = sums.sum(axis=1) / np.maximum(counts.sum(axis=1), 1)  # -> (n, T)
    with np.errstate(invalid="ignore", divide="ignore"):
        profile = sums / counts
    return np.where(counts > 0, profile, overall[:, None, :])


@dataclass(frozen=True)
class Encoding:
    """How raw rows become network inputs, and scaled forecasts become values.

    Built by :meth:`fit` on training data, or from a fitted forecaster's state
    (``scaler_``, ``profile_``, ``seasonal_period_``), which is what is saved.

    Attributes
    ----------
    scaler : MinMaxStats
        Min-max statistics per group and raw column, shape (G, C).
    per_series : bool
        One scaler group per series (else one group for all).
    n_targets : int
        ``T``: the first ``T`` raw columns are targets, the rest X.
    step : int
        Grid step: positions divided by it count time steps.
    seasonal_period : int or None
        Length of the seasonal cycle of the calendar columns and the
        profile; None: neither.
    profile : np.ndarray, shape (n, P, T), or None
        The backbone's row-wise part in the scaled space: each series' mean
        plus its seasonal shape at each of the ``P`` phases (``P`` is the
        seasonal period, or 1 without one), subtracted from the targets on the
        way in and added back on the way out. None: no backbone.
    backbone : Backbone or None
        The backbone's components (its ``harmonics`` shape the profile; its
        level and trend are the network's anchor). None with a profile: the
        legacy raw per-phase means.
    log : np.ndarray of bool, shape (n,), or None
        Series whose targets are modelled as logarithms (None: none).
    """

    scaler: MinMaxStats
    per_series: bool
    n_targets: int
    step: int
    seasonal_period: int | None = None
    profile: np.ndarray | None = None
    backbone: Backbone | None = None
    log: np.ndarray | None = None

    @classmethod
    def fit(
        cls,
        raw: np.ndarray,
        panel,
        *,
        scaling: str | None,
        seasonal_period: int | None,
        deseasonalize: bool,
        scaler: MinMaxStats | None = None,
        backbone: Backbone | None = None,
    ) -> Encoding:
        """Fit the encoding of a panel's training rows.

        Parameters
        ----------
        raw : np.ndarray, shape (R, C)
            The panel's rows ``[targets | X]``, unscaled.
        panel : sktime_gru._panel.Panel
            Series boundaries, positions and targets of ``raw``.
        scaling : {"global", "per_series", None}
        seasonal_period : int or None
        deseasonalize : bool
            Fit the backbone's profile (with ``harmonics=None``, the legacy
            per-phase means, it needs ``seasonal_period``).
        scaler : MinMaxStats or None
            Reuse these statistics instead of fitting them (a pretrained
            network's global scale).
        backbone : Backbone or None
            See the class attributes; with ``backbone.log`` (or, when given,
            ``backbone.series_log``, per series) the targets of every series
            whose training targets are all positive are modelled as
            logarithms.
        """
        series = panel.series_of_rows()
        flags = None
        if backbone is not None and (backbone.log or backbone.series_log):
            target = panel.values
            bad = ~(target > 0) & ~np.isnan(target)  # NaN are no evidence
            flags = np.bincount(series, bad.any(axis=1), panel.n_series) == 0
            if backbone.series_log is not None:  # each series' own choice
                flags &= np.asarray(backbone.series_log, dtype=bool)
        encoding = cls(
            scaler=scaler,
            per_series=scaling == "per_series",
            n_targets=panel.values.shape[1],
            step=panel.grid.step,
            seasonal_period=seasonal_period,
            backbone=backbone,
            log=flags,
        )
        if scaler is None:
            transformed = encoding.transform(raw, series)
            scaler = fit_scaler(transformed, series, panel.n_series, scaling)
            encoding = replace(encoding, scaler=scaler)
        return encoding._with_profile(panel) if deseasonalize else encoding

    def restricted_to(self, panel, rows: np.ndarray) -> Encoding:
        """Return this encoding with the seasonal profile of ``rows`` (R,) only.

        A backtest network must not see a climatology of its held-back rows.
        """
        return self if self.profile is None else self._with_profile(panel, rows)

    def _with_profile(self, panel, rows=None) -> Encoding:
        series = panel.series_of_rows()
        scaled = self.scaler.transform(
            self.transform(panel.values, series),
            self.groups(series),
            slice(0, self.n_targets),
        )  # -> (R, T)
        if self.backbone is None:  # the legacy profile: raw per-phase means
            rows = slice(None) if rows is None else rows
            phase = self.cycle(panel.positions[rows]) % self.seasonal_period
            profile = seasonal_profile(
                scaled[rows], series[rows], phase, panel.n_series, self.seasonal_period
            )
            return replace(self, profile=profile)
        if rows is not None:
            scaled[~rows] = np.nan  # scaled is this call's own array
        phase = None
        if self.seasonal_period:
            phase = self.cycle(panel.positions) % self.seasonal_period
        harmonics = self.backbone.series_harmonics or self.backbone.harmonics
        profile = fit_profile(
            scaled,
            panel.offsets,
            phase,
            self.seasonal_period,
            harmonics,
            trend=self.backbone.shape_trend,
        )  # -> (n, P, T)
        return replace(self, profile=profile)

    # ----------------------------------------------------------- layout --
    @property
    def deseasonalized(self) -> bool:
        """Whether the targets are departures from a seasonal profile."""
        return self.profile is not None

    @property
    def n_calendar(self) -> int:
        """``Fc``: calendar columns (sine and cosine of the cycle, or none)."""
        return calendar_features(np.zeros(0, np.int64), self.seasonal_period).shape[-1]

    @property
    def n_known(self) -> int:
        """``K``: columns known ahead, fed to the decoder (X, then calendar)."""
        return self.scaler.data_min.shape[1] - self.n_targets + self.n_calendar

    @property
    def n_features(self) -> int:
        """``F``: columns of the encoder input."""
        return self.n_targets + self.n_known

    # ------------------------------------------------------------ parts --
    def groups(self, series: np.ndarray) -> np.ndarray:
        """Scaler group of every series number (any shape)."""
        series = np.asarray(series)
        return series if self.per_series else np.zeros_like(series)

    def cycle(self, positions: np.ndarray) -> np.ndarray:
        """Grid positions in units of one time step (for seasonal phases)."""
        return np.asarray(positions) // self.step

    def calendar(self, positions: np.ndarray) -> np.ndarray:
        """Calendar columns at grid ``positions`` (...) -> (..., Fc), float32."""
        return calendar_features(self.cycle(positions), self.seasonal_period)

    def seasonal_term(self, series, positions: np.ndarray) -> np.ndarray | float:
        """Profile of ``series`` at grid ``positions`` (broadcast) -> (..., T).

        0.0 without a profile.
        """
        if self.profile is None:
            return 0.0
        phase = self.cycle(positions) % self.profile.shape[1]
        return self.profile[series, phase]

    def _log_rows(self, series) -> np.ndarray | None:
        """Whether the targets of ``series`` (any shape) are logged -> (..., 1)."""
        if self.log is None or not np.any(self.log):
            return None
        return np.asarray(self.log)[np.asarray(series)][..., None]

    def transform(self, raw: np.ndarray, series) -> np.ndarray:
        """Raw rows with the targets of logged series as logarithms (a copy).

        Parameters
        ----------
        raw : np.ndarray, shape (..., C) or (..., T)
        series : np.ndarray of int, broadcastable to ``raw.shape[:-1]``
        """
        out = np.array(raw, dtype=np.float64)
        logged = self._log_rows(series)
        if logged is not None:
            targets = out[..., : self.n_targets]
            with np.errstate(invalid="ignore", divide="ignore"):
                out[..., : self.n_targets] = np.where(
                    logged, np.log(np.where(logged, targets, 1.0)), targets
                )
        return out

    # ---------------------------------------------------------- forward --
    def encode(self, raw: np.ndarray, series, positions: np.ndarray) -> np.ndarray:
        """Model inputs ``[targets - profile | X | calendar]`` of raw rows.

        Parameters
        ----------
        raw : np.ndarray, shape (..., C)
            Unscaled rows (flat rows of a panel, or windows).
        series : np.ndarray of int, broadcastable to ``raw.shape[:-1]``
            Series number of every row, e.g. (R,) or (n, 1).
        positions : np.ndarray of int, shape ``raw.shape[:-1]``
            Grid position of every row.

        Returns
        -------
        np.ndarray of float32, shape (..., F)
            NaN where ``raw`` has NaN.
        """
        scaled = self.scaler.transform(
            self.transform(raw, series), self.groups(series)
        )  # -> (..., C)
        if self.profile is not None:
            scaled[..., : self.n_targets] -= self.seasonal_term(series, positions)
        return np.concatenate(
            [scaled.astype(np.float32), self.calendar(positions)], axis=-1
        )  # -> (..., F)

    def encode_rows(self, raw: np.ndarray, panel) -> np.ndarray:
        """Model inputs of a panel's flat rows ``raw`` (R, C) -> (R, F), float32.

        Encoded :data:`ENCODE_CHUNK_ROWS` rows at a time into the result: every
        step of :meth:`encode` is row by row, so the values are those of one
        call, without its float64 temporaries of every row (about 1.4 GiB at
        100,000 series x 240 months).
        """
        series = panel.series_of_rows()  # -> (R,)
        out = np.empty((len(raw), self.n_features), dtype=np.float32)
        for start in range(0, len(raw), ENCODE_CHUNK_ROWS):
            rows = slice(start, start + ENCODE_CHUNK_ROWS)
            out[rows] = self.encode(raw[rows], series[rows], panel.positions[rows])
        return out  # -> (R, F)

    def future_features(
        self, x_future: np.ndarray | None, series, positions: np.ndarray
    ) -> np.ndarray:
        """Known-ahead decoder inputs ``[X | calendar]`` at future ``positions``.

        Parameters
        ----------
        x_future : np.ndarray, shape (n, S, Fx), or None
            Unscaled X of the forecast period (None: fitted without X).
        series : np.ndarray of int, broadcastable to (n, S)
        positions : np.ndarray of int, shape (n, S)

        Returns
        -------
        np.ndarray of float32, shape (n, S, K)
        """
        known = [self.calendar(positions)]
        if x_future is not None:
            cols = slice(self.n_targets, None)
            scaled_x = self.scaler.transform(x_future, self.groups(series), cols)
            known.insert(0, scaled_x.astype(np.float32))
        return np.concatenate(known, axis=-1)  # -> (n, S, K)

    # ---------------------------------------------------------- inverse --
    def decode(self, values: np.ndarray, series, bounds=None) -> np.ndarray:
        """Undo the target scaling (and logs) of (..., T) values of ``series``.

        ``series`` broadcasts against ``values.shape[:-1]``. The profile is not
        added here: see :meth:`seasonal_term`. ``bounds``: ``(lo, hi)``
        broadcasting against ``values``, on the modelled (log) scale, that the
        values are clipped to before the logs are undone (NaN: no bound; see
        :func:`~sktime_gru._bounds.forecast_bounds`).
        """
        cols = slice(0, self.n_targets)
        out = self.scaler.inverse_transform(values, self.groups(series), cols)
        if bounds is not None:
            # fmin / fmax: a NaN bound is no bound (a NaN value stays NaN)
            clipped = np.fmin(np.fmax(out, bounds[0]), bounds[1])
            out = np.where(np.isnan(out), out, clipped)
        logged = self._log_rows(series)
        if logged is None:
            return out
        with np.errstate(over="ignore"):
            return np.where(logged, np.exp(np.where(logged, out, 0.0)), out)

    def target_scale(self, series) -> np.ndarray:
        """Scaled units per data unit of every target, for ``series`` -> (..., T)."""
        return self.scaler.scale[:, : self.n_targets][self.groups(series)]

    def decode_variance(self, variance, point, series, bounds=None) -> np.ndarray:
        """Variance (..., T) in data units from the scaled space.

        Divides by the squared scale; for logged series the delta method
        multiplies by the squared point forecast ``point`` (scaled, as
        :meth:`decode` takes it, with its ``bounds``).
        """
        out = variance / self.target_scale(series) ** 2
        logged = self._log_rows(series)
        if logged is None:
            return out
        return np.where(logged, out * self.decode(point, series, bounds) ** 2, out)
