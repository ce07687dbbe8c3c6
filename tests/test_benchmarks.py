"""Smoke runs of the benchmark scripts and checks of the benchmarking helpers.

Timings are never asserted: the scripts record them, the tests check that the
outputs exist, hold the expected models and agree with sktime's ``evaluate``.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sktime_gru.benchmarking import (
    evaluate_long,
    expanding_splitter,
    fold_cutoffs,
    missing_dependencies,
    summarise,
    update_markdown_section,
)
from sktime_gru.datasets import load_weather_au

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _script(name: str) -> dict:
    """Load ``benchmarks/<name>.py`` as a namespace without running main()."""
    return runpy.run_path(str(BENCHMARKS / f"{name}.py"), run_name=name)


def _small_panel(n_series: int = 3) -> pd.DataFrame:
    y = load_weather_au()
    keep = y.index.get_level_values(0).unique()[:n_series]
    return y[y.index.get_level_values(0).isin(keep)]


def test_splitter_last_fold_forecasts_the_final_18_months():
    y = load_weather_au()
    times = y.index.get_level_values(-1).unique().sort_values()
    cv = expanding_splitter(len(times), horizon=18, n_folds=3, step_length=6)
    cutoffs = [str(c) for c in fold_cutoffs(cv, times)]
    assert cutoffs == ["2014-06", "2014-12", "2015-06"]


def test_per_fold_evaluate_equals_one_evaluate_call():
    from sktime.forecasting.naive import NaiveForecaster

    y = _small_panel()
    cv = expanding_splitter(96, horizon=18, n_folds=3, step_length=6)
    seen = []
    one = evaluate_long(NaiveForecaster(sp=12), y, cv, model="naive")
    per_fold = evaluate_long(
        NaiveForecaster(sp=12), y, cv, model="naive", on_fold=seen.append
    )
    assert seen == [0, 1, 2]
    scores = ["MAE", "RMSE", "MASE", "sMAPE"]
    a = one[one["metric"].isin(scores)].reset_index(drop=True)
    b = per_fold[per_fold["metric"].isin(scores)].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert list(a["cutoff"].unique()) == ["2014-06", "2014-12", "2015-06"]
    assert list(a["n_train"].unique()) == [66, 72, 78]


def test_mase_is_the_mean_of_per_series_mase():
    """Document the panel MASE: per series with its own training scale, then mean."""
    from sktime.forecasting.naive import NaiveForecaster

    y = _small_panel()
    cv = expanding_splitter(96, horizon=18, n_folds=1)
    long = evaluate_long(NaiveForecaster(sp=12), y, cv, model="naive")
    mase = long.loc[long["metric"] == "MASE", "value"].item()

    dates = y.index.get_level_values(-1)
    cut = pd.Period("2015-06", freq="M")
    expected = []
    for loc in y.index.get_level_values(0).unique():
        series = y.loc[loc, "MedTemp"]
        train, test = series[series.index <= cut], series[series.index > cut]
        pred = train.iloc[-12:].to_numpy()
        pred = np.concatenate([pred, pred])[:18]
        scale = np.mean(np.abs(train.to_numpy()[12:] - train.to_numpy()[:-12]))
        expected.append(np.mean(np.abs(test.to_numpy() - pred)) / scale)
    assert (dates > cut).sum() == 18 * 3
    assert mase == pytest.approx(np.mean(expected))


def test_summarise_means_over_folds_then_seeds():
    rows = []
    for seed, offset in ((0, 0.0), (1, 1.0)):
        for fold, value in enumerate((1.0, 3.0)):
            for metric in ("MAE", "RMSE", "MASE", "sMAPE", "fit_s", "predict_s"):
                rows.append(
                    dict(
                        model="m",
                        seed=seed,
                        fold=fold,
                        cutoff=f"c{fold}",
                        n_train=10,
                        metric=metric,
                        value=value + offset,
                    )
                )
    summary = summarise(pd.DataFrame(rows))
    # seed 0: folds 1, 3 -> 2; seed 1: 2, 4 -> 3; mean 2.5, std sqrt(0.5)
    assert summary.loc["m", "MAE"] == pytest.approx(2.5)
    assert summary.loc["m", "MAE_std"] == pytest.approx(np.sqrt(0.5))
    # final fold only: 3 and 4
    assert summary.loc["m", "final_MASE"] == pytest.approx(3.5)
    assert summary.loc["m", "n_seeds"] == 2
    assert summary.loc["m", "n_folds"] == 2


def test_update_markdown_section_keeps_other_sections(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## Memory over repeated fits\n\nkeep me\n")
    update_markdown_section(path, "speed", "## Speed\n\nfirst")
    update_markdown_section(path, "speed", "## Speed\n\nsecond")
    text = path.read_text()
    assert "keep me" in text and "second" in text and "first" not in text
    assert text.count("<!-- begin:speed -->") == 1


def test_windowing_benchmark_loop_matches_vectorised():
    speed = _script("speed")
    rng = np.random.default_rng(0)
    values = rng.normal(size=(50, 1))
    offsets = np.array([0, 20, 50])
    a, b = speed["windows_vectorised"](values, offsets, 4, 3)
    c, d = speed["windows_np_append"](values, offsets, 4, 3)
    assert a.shape == (14 + 24, 4, 1) and b.shape == (38, 3, 1)
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, d)


def test_peer_grus_run_only_on_request():
    from sktime_gru.benchmarking import DEFAULT_MODELS, MODELS

    peers = [name for name, spec in MODELS.items() if spec.extra == "peers"]
    assert peers == ["darts_gru", "darts_block_gru", "nf_gru"]
    assert not set(peers) & set(DEFAULT_MODELS)
    parse_args = _script("accuracy")["parse_args"]
    assert parse_args([]).model_list == DEFAULT_MODELS
    assert parse_args([]).standard  # the plain run writes BENCHMARKS.md
    assert not parse_args(["--models", "gru,nf_gru"]).standard


def test_make_model_passes_the_seed_under_its_parameter_name():
    from sktime_gru.benchmarking import make_model

    assert make_model("darts_gru", seed=3).random_state == 3
    assert make_model("nf_gru", seed=4).random_seed == 4  # neuralforecast's name
    assert make_model("naive_mean", seed=5).get_params()["strategy"] == "mean"


def test_darts_adapter_forecasts_a_panel_and_a_series():
    """Runs where darts and torch are installed (the peers extra), else skips."""
    pytest.importorskip("darts")
    pytest.importorskip("torch")
    from sktime_gru.benchmarking._darts import DartsRNNForecaster

    y = _small_panel(3)
    cut = y.index.get_level_values(-1) <= pd.Period("2015-06", "M")
    for model_class in ("RNNModel", "BlockRNNModel"):
        f = DartsRNNForecaster(
            model_class=model_class,
            input_chunk_length=6,
            training_length=12,
            output_chunk_length=3,
            model_kwargs={"n_epochs": 1},
            random_state=0,
        )
        pred = f.fit(y[cut], fh=[1, 2, 3]).predict()
        assert pred.index.equals(y[~cut].groupby(level=0).head(3).index)
        assert np.isfinite(pred.to_numpy()).all()
        # update without refitting: forecasts start after the new data
        t = y.index.get_level_values(-1)
        new = y[(t > pd.Period("2015-06", "M")) & (t <= pd.Period("2015-08", "M"))]
        moved = f.update(new, update_params=False).predict()
        assert moved.index.get_level_values(-1).min() == pd.Period("2015-09", "M")
        # from the old origin, step 1 would repeat the first forecast
        assert not np.allclose(moved.to_numpy()[:1], pred.to_numpy()[:1])
        one = y[cut].xs(y.index[0][0], level=0)
        single = f.clone().fit(one, fh=[2, 3]).predict()
        assert list(single.index) == list(
            pd.period_range("2015-08", "2015-09", freq="M")
        )


def test_select_defaults_scores_benchmark_models_like_its_baselines():
    main = _script("select_defaults")["main"]
    table = main(["--seeds", "0", "--candidates", "none", "--peers", "naive_mean"])
    rows = table.set_index("model")
    assert list(rows.index) == ["per-month mean", "seasonal naive", "naive_mean"]
    # the benchmark's naive_mean is the per-month mean: the same scores
    assert rows.loc["naive_mean", "MAE"] == pytest.approx(
        rows.loc["per-month mean", "MAE"]
    )
    assert rows.loc["naive_mean", "MASE"] == pytest.approx(
        rows.loc["per-month mean", "MASE"]
    )


def test_coverage_block_bootstrap_band():
    bootstrap = _script("interval_coverage")["block_bootstrap"]
    assert bootstrap([0.8] * 18) == pytest.approx((0.8, 0.8))  # no spread
    per_month = np.linspace(0.2, 1.0, 18)
    low, high = bootstrap(per_month)
    assert per_month.min() < low < per_month.mean() < high < per_month.max()
    assert bootstrap(per_month) == (low, high)  # seeded: the same band


def test_coverage_summary_averages_seeds_per_split():
    summarise = _script("interval_coverage")["summarise"]
    rows = [
        {
            "split": "A",
            "config": "default",
            "seed": seed,
            "coverage_80": cov,
            "per_month_80": [cov] * 4,
            "coverage_95": 0.9,
            "per_month_95": [0.9] * 4,
        }
        for seed, cov in ((0, 0.7), (1, 0.8))
    ] + [{"split": "B", "config": "default", "seed": 0, "error": "too short"}]
    summary = summarise(rows)  # fmt: skip
    assert summary["split"].tolist() == ["A"]  # failed fits are left out
    assert summary["coverage_80"].iloc[0] == pytest.approx(0.75)
    assert summary["band_80"].iloc[0] == "75.0%-75.0%"
    assert summary["seeds"].iloc[0] == 2


def test_accuracy_quick(tmp_path, capsys):
    """The accuracy script end to end; models missing a dependency are skipped."""
    main = _script("accuracy")["main"]
    models = ["naive_last", "gru", "autoets"]
    result = main(
        [
            "--quick",
            "--models",
            ",".join(models),
            "--series",
            "4",
            "--output-dir",
            str(tmp_path),
            "--no-progress",
        ]
    )
    out = capsys.readouterr().out
    ran = ["naive_last", "gru"]
    if missing_dependencies("autoets"):
        assert "skipping autoets" in out
    else:
        ran.append("autoets")

    files = result["files"]
    for key in ("csv", "summary_csv", "markdown", "png"):
        assert files[key].is_file(), key
    assert "benchmarks_md" not in files  # quick runs leave BENCHMARKS.md alone

    long = pd.read_csv(files["csv"])
    assert sorted(long["model"].unique()) == sorted(ran)
    assert set(long["metric"]) == {"MAE", "RMSE", "MASE", "sMAPE", "fit_s", "predict_s"}
    assert list(long["cutoff"].unique()) == ["2015-06"]  # quick: the last fold
    assert long["value"].notna().all()
    # 4 stations, monthly temperatures: any sane forecast is within 15 degrees
    assert (long.loc[long["metric"] == "MAE", "value"] < 15).all()

    markdown = files["markdown"].read_text()
    for model in ran:
        assert f"| {model} |" in markdown
    assert "final-fold MASE" in markdown
    assert files["png"].read_bytes().startswith(b"\x89PNG")
    for model in ran:
        assert model in out  # the printed table


def test_tutorial_recipe_quick(tmp_path):
    main = _script("tutorial_recipe")["main"]
    results = main(["--quick", "--output-dir", str(tmp_path)])
    assert len(results) == 1
    assert results["n_windows"].item() == 44 * 25
    assert np.isfinite(results[["MAE", "MASE", "fit_s"]].to_numpy()).all()
    assert (tmp_path / "tutorial_recipe.md").is_file()
