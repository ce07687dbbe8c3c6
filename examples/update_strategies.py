"""``evaluate`` with refit, update and no-update_params strategies.

Backtests the forecaster on the weatherAUS panel with an expanding and a
sliding window (fh = 1..18, cutoffs 2014-06, 2014-12, 2015-06):

- ``refit``: a new network per fold;
- ``update``: fitted once, then ``update(update_params=True)`` fine-tunes the
  network on the windows that contain the new months (``update_epochs``);
- ``no-update_params``: fitted once, then ``update(update_params=False)`` only
  moves the input window to the newest months.

    python examples/update_strategies.py [--quick]
"""

from __future__ import annotations

import argparse
import warnings

import pandas as pd
from sktime.forecasting.model_evaluation import evaluate
from sktime.performance_metrics.forecasting import MeanAbsoluteError
from sktime.split import ExpandingWindowSplitter, SlidingWindowSplitter

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru.datasets import load_weather_au


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 epochs, 1 network")
    args = parser.parse_args(argv)
    params = {"random_state": 0}
    if args.quick:
        params.update(n_epochs=2, ensemble_size=1, update_epochs=1)
    y = load_weather_au()
    fh = list(range(1, 19))
    splitters = {
        "expanding": ExpandingWindowSplitter(fh=fh, initial_window=66, step_length=6),
        "sliding": SlidingWindowSplitter(fh=fh, window_length=66, step_length=6),
    }
    rows = []
    for split_name, cv in splitters.items():
        for strategy in ["refit", "update", "no-update_params"]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                res = evaluate(
                    GRUEncoderDecoderForecaster(**params),
                    cv=cv,
                    y=y,
                    strategy=strategy,
                    scoring=MeanAbsoluteError(),
                    error_score="raise",
                )
            rows.append(
                {
                    "splitter": split_name,
                    "strategy": strategy,
                    "folds": len(res),
                    "mean MAE": res["test_MeanAbsoluteError"].mean(),
                    "fit s (total)": res["fit_time"].sum(),
                }
            )
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    print(table.round(3).to_string(index=False))
    return table


if __name__ == "__main__":
    main()
