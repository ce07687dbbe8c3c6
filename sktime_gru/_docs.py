"""Numpydoc of the forecaster's public methods, kept apart from its story.

``forecaster.py`` reads as fit / predict / update; the full reference of each
public method (sktime's parameter descriptions, plus what this forecaster adds
or refuses) lives here and is attached with :func:`doc`, so that
``help(GRUEncoderDecoderForecaster.fit)`` shows it. The texts follow sktime's
``BaseForecaster`` docstrings in section order (Parameters, Returns, Raises,
Notes).
"""

from __future__ import annotations

__all__ = [
    "doc",
    "FIT",
    "PRETRAIN",
    "PREDICT",
    "PREDICT_RESIDUALS",
    "UPDATE",
    "SAVE_MODEL",
    "LOAD_MODEL",
]

_Y = """\
    y : pd.Series, pd.DataFrame, or a panel / hierarchical pd.DataFrame
        Time series to {what}: one series (``pd.Series`` or ``pd.DataFrame``
        with one or more numeric columns, forecast jointly), a panel
        (``pd-multiindex``: row ``MultiIndex`` ``(instance, time)``) or a
        hierarchy (``pd_multiindex_hier``), or anything sktime converts to
        them. The time index is a ``pd.PeriodIndex``, a ``pd.DatetimeIndex``
        with a frequency (set, or inferable as for dates from
        ``pd.to_datetime``), or an integer index, regular within each series
        and sorted by time (``y.sort_index()``). ``NaN`` values are allowed:
        a window with a missing value is not trained on. Series of a panel
        may start and end at different times; they are forecast at the same
        time points after the panel's cutoff, as sktime does (see
        :func:`sktime_gru.align_series_ends` to forecast each from its own
        end)."""

_RETURNS_SELF = """\
    Returns
    -------
    self : GRUEncoderDecoderForecaster
        Reference to self.
"""

_X = """\
    X : pd.DataFrame or None, default=None
        Exogenous numeric columns on the same index as ``y`` (same instances
        and time points), {what}. Categorical (string) columns are refused:
        encode them as numbers first (e.g. ``OneHotEncoder`` in a
        ``ForecastingPipeline``). A forecaster fitted with ``X`` needs ``X`` in
        ``predict`` and ``update`` too."""

FIT = f"""Fit the forecaster to training data; atomic on failure.

    State change: "fitted". Sets the fitted attributes ending in ``_`` (see
    the class docstring), ``is_fitted``, ``cutoff`` (the last time point of
    ``y``) and ``fh`` when given.

    Parameters
    ----------
{_Y.format(what="fit on")}

        Each series is windowed into ``window_length`` inputs and
        ``output_length`` targets; a series shorter than that gets
        ``window_length - 1`` copies of its first observation before its start
        (inputs only: targets are always observed points, as N-BEATS pads
        short histories), so a panel can mix long and short series. ``fit``
        refuses a panel whose longest series has fewer than
        ``output_length + 1`` points.
    fh : int, list, pd.Index coercible, ForecastingHorizon or None, default=None
        The horizon to forecast later. Optional (``requires-fh-in-fit`` is
        False); when given and ``output_length`` is None, the decoder length is
        its largest step, so that ``predict`` needs no recursive decoding.
{_X.format(what="observed with y")}

{_RETURNS_SELF}
    Raises
    ------
    ValueError
        Invalid parameters (the message names the parameter, the value and
        what is allowed); ``y`` or ``X`` that cannot be used (empty, all
        missing, infinite values, irregular, duplicated or out-of-order time
        points, no complete training window, a longest series with fewer
        than ``output_length + 1`` time points, X not aligned with y), naming
        the series or column. Shorter series next to a long enough one are
        not refused (see ``y``).
    TypeError
        Non-numeric (categorical) columns in ``y`` or ``X``, or an index that
        is no time index, naming the column and the fix.
    RuntimeError
        Called in a process forked after TensorFlow started (use the "loky"
        or "dask" backends of ``evaluate`` instead of "multiprocessing").

    Warns
    -----
    UserWarning
        Once per fit when some series of a panel end before its cutoff
        (how many, how many steps further ahead their forecasts start, and
        what to do); when the series are too short for the backtest and the
        intervals fall back to training windows (``calibration_``).

    Notes
    -----
    Fit is atomic: if it raises or is interrupted, the forecaster is left as it
    was before the call (a fitted one keeps predicting as before). The same
    ``random_state`` gives the same network and forecasts on CPU; the global
    Python, NumPy and TensorFlow random state is left as it was.
    With ``interval_calibration="backtest"`` one extra network is trained on
    the series without their last points first; its errors calibrate the
    intervals and choose how much of the network's departure from the
    backbone to keep (``departure_weight_``).
    """

PRETRAIN = f"""Pre-train the network on a panel; atomic on failure.

    State change: "pretrained". A later ``fit`` on other (or the same) series
    starts from the pretrained network instead of a new one, and trains it
    ``fine_tune_epochs`` more epochs on the new series (0: the pretrained
    weights as they are). Calling ``pretrain`` again continues training the
    same network on the new data.

    Parameters
    ----------
{_Y.format(what="pre-train on")}
    fh : int, list, pd.Index coercible, ForecastingHorizon or None, default=None
        As in :meth:`fit`: sets the decoder length when ``output_length`` is
        None.
{_X.format(what="observed with y")}

{_RETURNS_SELF}
    Raises
    ------
    ValueError
        As in :meth:`fit`; also when the columns of ``y`` or ``X`` differ from
        those of an earlier ``pretrain`` call.

    Notes
    -----
    The fitted attributes of pretraining are ``pretrained_network_``,
    ``pretrain_scaler_``, ``pretrain_output_length_`` and
    ``pretrain_columns_``. If pretraining raises, the forecaster and its
    pretrained network are left as they were.
    """

PREDICT = f"""Forecast time series at the forecasting horizon.

    Parameters
    ----------
    fh : int, list, pd.Index coercible, ForecastingHorizon or None, default=None
        The time points to forecast, relative to the cutoff (``1`` is the next
        time point) or absolute. Optional if passed to ``fit``. Steps beyond
        ``output_length_`` are forecast recursively (the network's forecasts
        are fed back as inputs). In-sample steps (``<= 0``, alone or mixed with
        future ones) are forecast one step ahead: the point at time ``t`` from
        the ``window_length`` rows before it, as ``predict`` would have
        forecast it had the series ended at ``t - 1`` (NaN at and before a
        series' first observation, and where its input window has a column
        without any value); steps before the first time point of the training
        data raise :class:`~sktime_gru.forecaster.InSampleHorizonError`.
{_X.format(what="known for the forecast period")}
        For ``predict`` it must cover every step from the cutoff up to the
        largest step of ``fh`` (recursive decoding needs the steps in between).

    Returns
    -------
    y_pred : pd.Series or pd.DataFrame
        Point forecasts at ``fh``, in the type and columns of the ``y`` seen
        in ``fit`` (for a panel: one row per instance and time point). Each
        forecast is the mean of the ``ensemble_size`` networks' forecasts,
        the backbone plus ``departure_weight_`` times the network's departure.

    Raises
    ------
    NotFittedError
        Called before ``fit``.
    ValueError
        ``fh`` with steps before the training data
        (:class:`InSampleHorizonError`), ``X`` missing, short or misaligned for
        a forecaster fitted with ``X``.

    Notes
    -----
    ``predict_interval``, ``predict_quantiles`` and ``predict_var`` (sktime's
    methods, documented there) are supported: their spread comes from the
    residuals named by ``calibration_``, centred on the point forecast, so
    the 50% quantile equals ``predict``; in-sample points get the width of
    the first decoder step (the network was trained on them, so these
    intervals are wider than its in-sample errors).
    """

PREDICT_RESIDUALS = """Return the residuals ``y - y_pred`` at the time points of ``y``.

    Parameters
    ----------
    y : pd.Series, pd.DataFrame, panel or hierarchy, or None, default=None
        The actual values, in the type and columns of the ``y`` seen in
        ``fit``. None: the data seen in ``fit`` and ``update``, which the
        forecaster keeps (``observed_``, also with ``remember_data=False``),
        so that the residuals are in-sample, one step ahead (see
        :meth:`predict`). A panel or hierarchy is forecast at the times of its
        time level (sktime's default method fails on them).
    X : pd.DataFrame or None, default=None
        Exogenous values for the time points of ``y`` after the cutoff, as in
        :meth:`predict`; in-sample points use the X seen in ``fit``.

    Returns
    -------
    residuals : same type as ``y``
        ``y - y_pred`` on the index of ``y``; NaN where no forecast exists (a
        series' first observation and the points before a full input window,
        see :meth:`predict`).

    Raises
    ------
    NotFittedError
        Called before ``fit``.
    ValueError
        ``y`` with time points before the training data, or a forecaster saved
        by an older version (which kept no training rows) and no ``y``.
    """

UPDATE = f"""Update the cutoff and, optionally, the network; atomic on failure.

    State change: ``cutoff`` moves to the last time point of ``y``; the last
    ``window_length + output_length_ - 1`` observations of every series
    (``tail_``) are what the next ``predict`` starts from.

    Parameters
    ----------
{_Y.format(what="update with")}

        New time points of the series seen in ``fit`` (a subset of them is
        fine; instances not seen in ``fit`` are refused: fit again).
{_X.format(what="observed with the new y")}
    update_params : bool, default=True
        True: fine-tune the network ``update_epochs`` epochs (warm start) on
        the windows that include the new points; the scaler, backbone profile
        and intervals are kept. Nothing is trained when ``update_epochs`` is 0
        or when the backtest of ``fit`` kept none of the network
        (``departure_weight_ == 0``). False: only move the cutoff and the
        input windows.

{_RETURNS_SELF}
    Raises
    ------
    ValueError
        ``y`` or ``X`` that cannot be used (as in :meth:`fit`), instances not
        seen in ``fit``, time points that do not continue the fitted grid.

    Notes
    -----
    If updating raises or is interrupted, cutoff, tails and network weights
    stay as they were (sktime moves the cutoff before the update itself runs,
    and fine-tuning changes the network in place: both are rolled back).
    """

SAVE_MODEL = """Save the fitted forecaster without pickle: JSON state + ``.keras``.

    Parameters
    ----------
    path : str or os.PathLike
        A directory: created (parents included) when missing; an empty one is
        used. It receives ``forecaster.json`` (format version, library
        versions, parameters, fitted state, checksums) and ``network.keras``
        (the trained network in Keras' native format). The artefact is
        written to a temporary sibling first and moved into place, so a
        failed or interrupted save leaves no half-written artefact, and a
        replaced one is deleted only after the new one is in place.
    overwrite : bool, default=False
        Replace an earlier artefact of this format at ``path``. False (as
        Keras' ``model.save``): an existing artefact is refused.

    Raises
    ------
    NotFittedError
        Called before ``fit``.
    FileExistsError
        ``path`` holds an earlier artefact and ``overwrite`` is False; or
        ``path`` is a file, or a directory with other content, whatever
        ``overwrite`` says: a mistyped path never deletes user files.
    TypeError
        A fitted attribute (e.g. a custom callback's state) that the
        whitelist codec cannot store; the message names it.

    Notes
    -----
    ``pickle`` / ``cloudpickle`` / ``copy.deepcopy`` and sktime's own
    ``save`` work too; this format is for loading without executing code.
    """

LOAD_MODEL = """Load a forecaster saved by :meth:`save_model`; executes no code from it.

    Parameters
    ----------
    path : str or os.PathLike
        The directory written by :meth:`save_model`.

    Returns
    -------
    GRUEncoderDecoderForecaster
        Fitted, predicting exactly as the saved one.

    Raises
    ------
    FileNotFoundError
        ``path`` or one of the artefact's files does not exist.
    ValueError
        (``sktime_gru._serialization.ArtefactError``) The folder is not an
        artefact of this format, its checksums do not match (corrupted or
        edited files), or it was written by a newer format version.
    """


def doc(text: str):
    """Attach ``text`` as the docstring of the decorated function."""

    def attach(function):
        function.__doc__ = text
        return function

    return attach
