"""Pretrain on some stations, forecast stations the network never saw.

sktime's pretraining API: ``pretrain`` trains the global network on a panel of
30 weatherAUS stations (history up to 2015-06); ``fit`` on the other 14
stations keeps those weights (``fine_tune_epochs=0``: not trained further, only
their scaling statistics and climatology are taken from their own history) and
``predict`` forecasts their last 18 months. For comparison, the same forecaster
trained on all 44 stations, scored on the same 14.

    python examples/pretrain.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sktime.performance_metrics.forecasting import mean_absolute_error

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru.datasets import load_weather_au


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 epochs, 1 network")
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)
    params = {"random_state": args.random_state}
    if args.quick:
        params.update(n_epochs=2, ensemble_size=1)

    y = load_weather_au()
    t = y.index.get_level_values("Date")
    history, actual = (
        y[t <= pd.Period("2015-06", "M")],
        y[t > pd.Period("2015-06", "M")],
    )
    stations = sorted(y.index.get_level_values("Location").unique())
    # every third station is held out: 14 unseen stations spread over Australia
    unseen = stations[::3][:14]
    seen = [s for s in stations if s not in unseen][:30]
    fh = list(range(1, 19))

    start = time.perf_counter()
    transfer = GRUEncoderDecoderForecaster(**params)
    transfer.pretrain(history.loc[seen], fh=fh)
    transfer.fit(history.loc[unseen])
    pred_transfer = transfer.predict(fh=fh)
    transfer_s = time.perf_counter() - start

    start = time.perf_counter()
    full = GRUEncoderDecoderForecaster(**params).fit(history, fh=fh)
    pred_full = full.predict().loc[unseen]
    full_s = time.perf_counter() - start

    truth = actual.loc[unseen]
    result = {
        "unseen": unseen,
        "mae_pretrained_on_30": float(mean_absolute_error(truth, pred_transfer)),
        "mae_trained_on_44": float(mean_absolute_error(truth, pred_full)),
        "seconds_pretrained": transfer_s,
        "seconds_full": full_s,
    }
    print(f"unseen stations ({len(unseen)}): {', '.join(unseen)}")
    print(
        f"MAE on their last 18 months: pretrained on 30 others "
        f"{result['mae_pretrained_on_30']:.3f} °C, trained on all 44 "
        f"{result['mae_trained_on_44']:.3f} °C"
    )
    assert np.isfinite(result["mae_pretrained_on_30"])
    return result


if __name__ == "__main__":
    main()
