"""The forecaster's class docstring: its parameters, attributes and notes.

Kept apart so that ``forecaster.py`` reads as the story of fit and predict;
:class:`~sktime_gru.GRUEncoderDecoderForecaster` sets it as its ``__doc__``,
so ``help()`` and sktime's docs show it unchanged.
"""

__all__ = ["FORECASTER"]

FORECASTER = """\
Global GRU encoder-decoder on a statistical backbone (Keras, TensorFlow).

    The forecast is a statistical **backbone** plus the departure from it that
    a neural network learned, weighted by how much that departure helped out
    of sample.

    The backbone, fitted on the training data only, is each series' mean and
    smooth seasonal shape (the profile, ``profile_``), on the log scale for
    series that it makes multiplicative (``log_series_``), plus a level and a
    damped trend read off the last ``window_length`` observations, as
    exponential smoothing anchors its forecast. ``fit`` chooses its
    components as AutoETS chooses its own (``backbone_``; see
    ``deseasonalize``); alone (``n_epochs=0``) it is a sound statistical
    forecaster.

    The network forecasts the departures from the backbone. Every series of a
    panel is cut into windows of ``window_length`` input steps and
    ``output_length`` target steps, scaled with statistics of the training
    data only, and ONE network is trained on the windows of all series:
    ``GRU encoder -> RepeatVector -> GRU decoder -> TimeDistributed(Dense)``,
    each GRU wrapped in ``Bidirectional`` by default, averaged over
    ``ensemble_size`` independently seeded members.

    The **departure weight** decides how much of the network is kept: a
    backtest inside ``fit`` trains one more network without each series' last
    points and forecasts them; ``departure_weight_`` is the least-squares
    weight in [0, 1] of that network's departure from the backbone on those
    held-back points. 0 (the network did not help out of sample, as on
    weatherAUS) gives the backbone's forecasts and skips training the
    members; 1 keeps the whole departure. The same backtest's errors
    calibrate the prediction intervals (``residuals_``, ``calibration_``).

    ``predict`` feeds the last ``window_length`` observations of every series
    to the backbone and the network; horizons beyond ``output_length`` are
    reached by feeding the network its own forecasts (recursive decoding).
    In-sample steps (``fh <= 0``) are forecast one step ahead from the data
    before each time point (see Notes). A panel is forecast at common time
    points after its cutoff, as sktime does; ``fit`` warns when some series
    end before it (:func:`sktime_gru.align_series_ends` forecasts each series
    from its own end instead).

    Parameters
    ----------
    window_length : int, default=12
        Input (encoder) length in time steps (the reference tutorial: 18).
        The backbone's level and trend are read off this window.
    output_length : int or None, default=None
        Decoder steps the network forecasts at once. ``None``: the largest step
        of the ``fh`` given to ``fit``, or ``window_length`` when ``fit`` gets no
        ``fh``. Longer horizons are forecast recursively.
    units : int, default=32
        GRU units per layer and direction.
    n_layers : int, default=1
        GRU layers stacked in the encoder and in the decoder.
    bidirectional : bool, default=True
        Wrap each GRU in ``keras.layers.Bidirectional``.
    dropout : float in [0, 1), default=0.0
        Input dropout of every GRU layer (keeps the cuDNN kernel eligible).
    n_epochs : int, default=10
        Training epochs (upper bound when early stopping is on; the reference
        tutorial: 50).
    batch_size : int, default=32
        Windows per gradient step.
    max_steps_per_epoch : int or None, default=50
        Training budget: an epoch over more than ``max_steps_per_epoch *
        batch_size`` windows trains on that many of them, a different
        shuffled sample each epoch, so that fit time stops growing with the
        number of series; None: every window every epoch.
    recent_windows : int or None, default=None
        Train only on the windows whose targets end within the last
        ``recent_windows`` time points of their series (the most recent
        dynamics, as global forecasting networks often sample; the backtest
        network counts from its own cut); None: every window.
    optimizer : str or keras.optimizers.Optimizer, default="adam"
        Optimizer name, or an instance whose config is copied for every fit.
    learning_rate : float, default=1e-3
        Learning rate, used when ``optimizer`` is a name.
    loss : str or callable, default="mse"
        Keras loss, on the scaled values.
    validation_split : float in [0, 1) or None, default=None
        Fraction of the latest windows of every series held out to monitor
        ``val_loss``; training windows whose targets overlap the held-out
        targets are dropped, so nothing held out is trained on.
    patience : int or None, default=None
        Early stopping on ``val_loss`` after ``patience`` epochs without
        improvement, restoring the best weights. ``None``: off. Needs
        ``validation_split``.
    scaling : {"global", "per_series", None}, default="per_series"
        Min-max scaling to (-1, 1), statistics from the training data only: one
        scaler per series and column, one per column for all series (as in the
        reference tutorial), or none.
    seasonal_period : int, "auto" or None, default="auto"
        Adds the sine and cosine of the position in the seasonal cycle (e.g. the
        month of year for ``12`` on monthly data) as inputs to the encoder and,
        for the forecast period, to the decoder. ``"auto"`` derives the cycle
        from the frequency (monthly 12, quarterly 4, weekly 52, daily 7, hourly
        24); for an integer index it is estimated from the data: the candidate
        period among 4, 5, 6, 7, 12, 24 and 52 with the largest significant
        mean autocorrelation of the first differences of the series with at
        least two cycles of data (3 years of monthly data find 12), or none.
    deseasonalize : bool or "auto", default="auto"
        The network forecasts departures from a statistical backbone, which is
        added back to its forecasts: each series' mean and smooth seasonal
        shape (the profile, from the training data only), optionally on the log
        scale, plus a level (and damped trend) anchored at the end of each
        input window. The output layer starts at zero, so an untrained network
        (``n_epochs=0``) forecasts the backbone exactly. ``"auto"`` and True: on;
        False: the network alone, as in the reference tutorial. The components
        are chosen in ``fit`` by the backbone's own forecasts of the last
        ``min(2 * output_length, max(output_length, longest series // 3))``
        points of every series (profile fitted on the points before them), as
        AutoETS chooses its components (the simplest candidate within 1% of
        the best); a series then gets its own harmonics and log scale where its
        in-sample errors (1-6 steps ahead from its last 48 origins) are more
        than 5% lower with them. When the level, trend and reversion are all
        ``"auto"``, a series whose in-sample errors are at most half the
        panel's with a level, trend and reversion of its own (among those
        whose seasonal shape is fitted as the panel's level's) gets them, and
        is then forecast by its own backbone, without the network's departure
        (on M1 about 3% of the series: steep trends the panel's level misses).
        The parameters below fix the components.
    harmonics : int, "auto" or None, default="auto"
        Fourier terms of the profile's seasonal shape, fitted by least squares
        on each series (together with a linear trend when the backbone has a
        level; without one it is the harmonic regression the backbone then
        forecasts with) and kept only where an F-test finds them significant
        at 90%; ``"auto"``: 2 for the
        panel, and per series from 1 up to the full shape (``seasonal_period // 2``,
        6 for monthly data: sharp one-month peaks) where the series' own
        in-sample errors, scaled up by ``n / (n - d)`` for the ``d``
        parameters of its shape, are more than 5% lower; 0: no seasonal
        shape (each series' mean only); None: the per-phase means after
        removing a centred moving-average trend (no smoothing, no test).
    log_transform : bool or "auto", default="auto"
        Model the targets of series whose training values are all positive as
        logarithms (multiplicative seasonality and trend); ``"auto"``: chosen
        for the panel and per series.
    level_smoothing : float in (0, 1], "auto" or None, default="auto"
        Smoothing parameter of the exponentially weighted level of each input
        window that the forecast is anchored at; None: no level, the forecast
        departs from the series' training mean (climatology); ``"auto"``:
        chosen among None, 0.05, 0.1, 0.2, 0.4, 0.7 and 1.
    trend_damping : float in (0, 1], "auto" or None, default="auto"
        Adds the window's least-squares slope, damped by this factor per step
        ahead (1: a straight line); None: no trend; ``"auto"``: chosen among
        None, 0.8, 0.9 and 1. Needs a level.
    level_reversion : float in (0, 1], "auto" or None, default="auto"
        The level's departure from the series' training mean decays by this
        factor per step ahead (a weather anomaly's persistence: the forecast
        returns to the climatology); None: the level persists; ``"auto"``:
        chosen among None, 0.9, 0.75 and 0.5. Needs a level and no trend.
    update_epochs : int, default=5
        Fine-tuning epochs when ``update(..., update_params=True)`` is called;
        the network is trained further (warm start) on the windows that include
        the new data. ``update_params=False`` only moves the input window, and
        so does ``update_params=True`` when the backtest in ``fit`` kept none
        of the network (``departure_weight_ == 0``): the forecaster is then its
        statistical backbone, which ``update`` does not refit.
    fine_tune_epochs : int, default=0
        After ``pretrain``, the epochs ``fit`` trains the pretrained network on
        the new series (0: use the pretrained weights as they are).
    ensemble_size : int, default=3
        Networks trained independently (seeds ``seed + 7919 * k``) whose
        forecasts are averaged; ``network_`` is then one Keras model holding
        them all. Fit time grows linearly with it. ``update`` and fine-tuning
        after ``pretrain`` train the averaged model as a whole.
    interval_calibration : {"backtest", "windows"}, default="backtest"
        Where the residuals behind ``predict_interval`` / ``predict_quantiles``
        / ``predict_var`` come from. ``"backtest"``: one extra network (same
        parameters, one member) is trained on every series without its last
        ``min(max(2 * output_length, output_length + 2), longest series -
        window_length - output_length)`` time points and forecasts those
        held-back points from every origin that has them all: honest,
        out-of-sample errors, for about one more network's training time.
        Needs that to be at least ``output_length``; otherwise (short
        series) it falls back to ``"windows"`` with a warning.
        ``"windows"``: residuals of the validation windows
        (``validation_split``) or, without them, of the training windows,
        which are optimistic (intervals too narrow). ``calibration_`` says
        which was used.
    backtest_origins : int, default=1
        Cuts of the backtest that decide ``departure_weight_`` (with
        ``interval_calibration="backtest"`` and a backbone). 1: the cut
        above. K > 1: K - 1 more networks are trained, each on the series
        without ``output_length`` more points than the previous cut (as far
        as the series have training windows left), and each forecasts its
        own held-back part; the departure is kept only as far as it helped
        at every cut (the smallest of their weights, ``backtest_weights_``).
        Each cut costs one more network's training; the intervals still
        come from the latest cut.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks for training (also of the backtest network).
    verbose : bool or int, default=False
        Training progress. False or 0: silent. True or 1: one labelled line
        per epoch of every network trained, over the whole call, e.g.
        ``sktime-gru fit: backtest network epoch 1/10 loss 0.0321 (0.5 s)``,
        then ``sktime-gru fit: member 1/3 epoch 1/10 loss 0.0298 (0.4 s)``
        for each member (``val_loss`` too with ``validation_split``; a line
        says so when the backtest kept none of the network and the members
        are not trained); ``update`` (fine-tuning) and ``pretrain`` print the
        same lines labelled ``sktime-gru update:`` / ``sktime-gru
        pretrain:``. No Keras progress bars. 2: Keras' own per-epoch line
        after each of these too. Printed to standard output (``print``,
        flushed), where Keras prints its own, not through :mod:`logging`.
    random_state : int, RandomState or None, default=None
        Seeds weights, dropout and the window order. The same int gives the same
        forecasts on CPU. Global Python, NumPy and TensorFlow random state is
        never touched.
    run_eagerly : bool, default=False
        Run the Keras train step eagerly instead of as a traced graph: slower per
        step, but no tracing cost per fit; for tiny models and tests.
    jit_compile : bool or "auto", default="auto"
        Compile the train step with XLA (Keras' ``compile(jit_compile=...)``).
        ``"auto"``: on TensorFlow on a machine without an accelerator (and
        no ``strategy``), yes: a training step costs about 3x less CPU and
        the compilation (seconds, once per network structure and process)
        pays within the first default fit (BENCHMARKS.md); elsewhere Keras'
        own ``"auto"`` (JAX: always XLA; PyTorch: eager). Forecasts with
        and without XLA agree to about 1e-7 (relative), not bit for bit.
        False on JAX runs every training step op by op (about 2x slower for
        a tiny network, more for the default one). Ignored when
        ``run_eagerly``.
    strategy : {None, "mirrored", "multi_worker"}, default=None
        Train the network (in ``fit``, ``update(update_params=True)``,
        ``pretrain`` and the backtest) with a ``tf.distribute`` strategy:
        ``"mirrored"``, ``MirroredStrategy`` over the local GPUs (the CPU when
        there is none); ``"multi_worker"``, ``MultiWorkerMirroredStrategy``
        over the processes of the cluster in the ``TF_CONFIG`` environment
        variable, every process calling ``fit`` with the same data and
        parameters. ``batch_size`` is then the global batch: each of the
        ``R`` replicas trains on ``batch_size / R`` windows of it per step
        (batches are cut to a multiple of ``R`` windows). The fitted
        forecaster is the same plain object whatever trained it; predict
        runs locally. None: no strategy.

    Attributes
    ----------
    network_ : keras.Model
        The trained network (all ``ensemble_size`` members in one model, their
        forecasts averaged, output layers multiplied by
        ``departure_weight_``), input ``(batch, window_length, n_features)``,
        output ``(batch, output_length_, n_y_columns)``, in the scaled space
        and relative to the backbone.
    output_length_ : int
        Resolved decoder length (see ``output_length``).
    departure_weight_ : float in [0, 1]
        How much of the network's departure from the backbone the forecasts
        keep, chosen by the backtest inside ``fit`` (1 without the backtest,
        ``interval_calibration="windows"``); 0: the forecast is the backbone
        and the members were not trained.
    backtest_weights_ : list of float
        The departure weight of every backtest cut trained (latest first,
        see ``backtest_origins``); ``departure_weight_`` is their minimum.
        ``[1.0]`` without a backtest or a backbone.
    backbone_ : dict or None
        The backbone's chosen components: ``harmonics`` (Fourier terms of
        the seasonal shape, 0 none, None raw per-phase means), ``log``
        (logarithms), ``alpha`` (level smoothing, None no level), ``phi``
        (trend damping, None no trend), ``reversion`` (the level's decay
        towards the mean, None none), and per series ``series_harmonics``,
        ``series_log`` and ``series_level`` (tuples of length ``n_series``,
        or None: the panel's choice for every series; a ``series_level``
        entry is None or the series' own ``(alpha, phi, reversion)``, and
        such a series is forecast by its own backbone alone). None without a
        backbone (``deseasonalize=False``).
    deseasonalize_ : bool
        Whether the backbone is on.
    seasonal_period_ : int or None
        Resolved seasonal period of the profile and the calendar inputs.
    profile_ : np.ndarray, shape (n_series, P, n_y_columns), or None
        Each series' mean plus its seasonal shape at each of the ``P``
        phases of the seasonal cycle (``P`` = ``seasonal_period_``, or 1),
        in the scaled space: subtracted from the targets before the network
        and added back to its forecasts. None without a backbone.
    log_series_ : np.ndarray of bool, shape (n_series,), or None
        Series whose targets are modelled as logarithms (None: none).
    scaler_ : MinMaxStats
        Training minimum and maximum per group (1, or ``n_series`` with
        ``scaling="per_series"``) and column, ``data_min`` / ``data_max`` of
        shape ``(groups, n_features)``.
    residuals_ : np.ndarray, shape (n_residuals, output_length_, n_y_columns)
        Out-of-sample residuals (scaled) per decoder step behind
        ``predict_interval`` / ``predict_quantiles`` / ``predict_var``.
    calibration_ : str
        Where ``residuals_`` come from: ``"backtest"``, ``"held-out"``
        (validation windows), ``"training"`` (training windows: too narrow),
        or after ``pretrain`` ``"new series"`` / ``"pretrain"``.
    history_ : dict
        Keras training history (``loss`` and, with validation, ``val_loss``) of
        the first ensemble member; empty when no member was trained
        (``departure_weight_ == 0`` or ``n_epochs=0``).
    n_windows_ : int
        Number of training windows (with the held-out ones).
    seed_ : int
        The seed the networks were initialised from (from ``random_state``).
    instances_ : pd.Index or None
        Instance labels of the fitted panel (None for a single series).
    tail_ : np.ndarray, shape (n_series, L, n_y_columns + n_X_columns)
        Last ``L = window_length + output_length_ - 1`` observations of every
        series (y and X columns, unscaled): the inputs of ``predict`` and
        ``update``.
    first_positions_, last_positions_ : np.ndarray of int, shape (n_series,)
        Grid position of the first and last observation of every series
        (integer steps on the time index's grid).
    observed_ : np.ndarray, shape (n_rows, n_y_columns + n_X_columns)
        Every row of ``fit`` and ``update`` (y and X columns, unscaled, float64),
        series after series: what in-sample forecasts and
        ``predict_residuals()`` read. One copy of the training data: 8 bytes
        per value of y and X.
    observed_offsets_ : np.ndarray of int, shape (n_series + 1,)
        Series ``i`` is ``observed_[observed_offsets_[i]:observed_offsets_[i + 1]]``.
    departure_limit_ : np.ndarray, shape (n_series, n_y_columns)
        Largest departure from the backbone that a forecast may take, in the
        network's scaled space: the range of each series' scaled training
        targets (deseasonalised). A larger departure of the network is cut
        to it, and every decoded forecast is kept within the series'
        training range widened by that range and by the steps ahead times
        its steepest trend (twice that for interval bounds): no
        configuration decodes to absurd values.
    pretrained_network_, pretrain_scaler_, pretrain_output_length_, \
pretrain_columns_
        After ``pretrain`` only (see :meth:`pretrain`).

    Raises
    ------
    ValueError
        In ``fit``: invalid parameters (naming the parameter, the value and
        what is allowed); data whose longest series has fewer than
        ``output_length + 1`` time points (shorter series in a panel are
        padded, not refused); irregular, duplicated or out-of-order time
        points; no complete training window (missing values everywhere); X
        not aligned with y. In ``predict``: ``fh`` time points before the
        first time point of the training data
        (:class:`InSampleHorizonError`, naming the steps).
    TypeError
        In ``fit``: non-numeric (categorical) columns of y or X, or an index
        that is no time index.

    See Also
    --------
    sktime.forecasting.naive.NaiveForecaster : seasonal baselines.

    Notes
    -----
    The defaults were chosen on validation months of the weatherAUS panel
    before the benchmark's scored months (``benchmarks/select_defaults.py``,
    BENCHMARKS.md): per-series scaling, calendar inputs, deseasonalised
    targets, 10 epochs and an average of 3 networks; the 12-step window was
    chosen later, with the backbone, on the selection splits of weatherAUS,
    M1 and the airline series (BENCHMARKS.md, issue 11's third round). The
    reference tutorial's configuration is ``window_length=18,
    scaling="global", seasonal_period=None, deseasonalize=False, n_epochs=50,
    ensemble_size=1``.

    Recursive decoding for horizons beyond ``output_length`` feeds forecasts
    back as inputs; errors can compound, so set ``output_length`` (or pass the
    full ``fh`` to ``fit``) to cover the horizon you need.

    In-sample forecasts (``fh <= 0``, alone or mixed with future steps, as the
    fitted values of sktime's statistical forecasters): a time point ``t`` at or
    before a series' last observation is forecast ONE step ahead, as
    ``predict`` would have forecast it had the series ended at ``t - 1``: the
    encoder reads the ``window_length`` rows before ``t`` (gaps interpolated;
    before the series' first observation the window repeats that
    observation, as ``predict`` does for short series), the decoder's first
    step is ``t`` with its calendar and its X from the data kept (X passed to
    ``predict`` serves the future steps only). The network, scaling and
    backbone are those fitted on all the data, so in-sample errors are
    smaller than out-of-sample ones. NaN: before a series' first
    observation, at it (nothing before it), where a column of the input window
    has no value, or where X of ``t`` is missing. A series that ends before the
    cutoff is forecast at the later in-sample times from its last window, as
    for future steps. A time point before the first one of the training data
    raises :class:`InSampleHorizonError`. Intervals and variances of in-sample
    points are those of the first decoder step (the same residuals as step 1
    out of sample). All in-sample points are forecast in one batch. ``update``
    appends its rows, so in-sample steps follow the new cutoff.
    ``predict_residuals()`` without ``y`` returns the in-sample residuals of
    all the data seen (also with ``remember_data=False``); with a panel ``y``
    it forecasts at the times of its time level.

    The network is always built in ``fit`` from the shapes of the data; no
    TensorFlow is imported before ``fit`` or ``predict`` is called.

    Examples
    --------
    >>> from sktime_gru import GRUEncoderDecoderForecaster
    >>> from sktime_gru.datasets import load_weather_au
    >>> y = load_weather_au()
    >>> forecaster = GRUEncoderDecoderForecaster(n_epochs=2, random_state=0)
    >>> forecaster.fit(y, fh=range(1, 19))  # doctest: +SKIP
    >>> y_pred = forecaster.predict()  # doctest: +SKIP
"""
