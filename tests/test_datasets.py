"""Tests for sktime_gru.datasets (weatherAUS monthly panel)."""

from __future__ import annotations

import csv
import gzip
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sktime_gru.datasets import build_weather_au_panel, load_weather_au

N_LOCATIONS = 44
N_MONTHS = 96
DROPPED = ["Dartmoor", "Katherine", "Melbourne", "Nhil", "Uluru"]
FILLED = ["2011-04", "2012-12", "2013-02"]
MONTHS = pd.period_range("2009-01", "2016-12", freq="M")


def _raw_csv_path() -> Path:
    """Locate the raw daily weatherAUS CSV: env var first, then shared/data."""
    env = os.environ.get("SKTIME_GRU_WEATHERAUS")
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[1]
    return repo_root.parent / "shared" / "data" / "weatherAUS.csv.gz"


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    """Shipped panel, loaded once; tests below must not mutate it."""
    return load_weather_au()


# --- shipped panel -----------------------------------------------------------


def test_shape(panel: pd.DataFrame) -> None:
    """44 locations x 96 months, one column."""
    assert panel.shape == (N_LOCATIONS * N_MONTHS, 1)
    assert list(panel.columns) == ["MedTemp"]
    assert panel["MedTemp"].dtype == np.float64
    assert panel.index.get_level_values("Location").nunique() == N_LOCATIONS
    assert panel.index.get_level_values("Date").nunique() == N_MONTHS


def test_index_structure(panel: pd.DataFrame) -> None:
    """MultiIndex (Location, Date) with a monthly PeriodIndex level."""
    index = panel.index
    assert isinstance(index, pd.MultiIndex)
    assert list(index.names) == ["Location", "Date"]
    dates = index.get_level_values("Date")
    assert isinstance(dates, pd.PeriodIndex)
    assert dates.freqstr == "M"
    assert isinstance(index.levels[1], pd.PeriodIndex)
    assert index.levels[1].freqstr == "M"
    assert all(isinstance(loc, str) for loc in index.levels[0])
    assert index.is_unique
    # every location has every month, in order
    for _, group in panel.groupby(level="Location"):
        assert group.index.get_level_values("Date").equals(MONTHS)


def test_sorted(panel: pd.DataFrame) -> None:
    """Locations sorted alphabetically, months ascending within each."""
    assert panel.index.is_monotonic_increasing
    locations = list(panel.index.get_level_values("Location").unique())
    assert locations == sorted(locations)
    assert list(panel.index.levels[0]) == locations


def test_no_nan(panel: pd.DataFrame) -> None:
    """No missing value anywhere."""
    assert not panel.isna().to_numpy().any()
    assert np.isfinite(panel["MedTemp"].to_numpy()).all()


def test_plausible_values(panel: pd.DataFrame) -> None:
    """Monthly means of Australian stations lie well inside raw daily extremes."""
    values = panel["MedTemp"]
    assert values.min() > -5.0
    assert values.max() < 35.0
    assert 15.0 < values.mean() < 20.0


def test_dropped_locations_absent(panel: pd.DataFrame) -> None:
    """Dartmoor, Katherine, Melbourne, Nhil and Uluru are not in the panel."""
    locations = set(panel.index.get_level_values("Location"))
    assert locations.isdisjoint(DROPPED)
    # MelbourneAirport is a different station and stays
    assert "MelbourneAirport" in locations


@pytest.mark.parametrize("month", FILLED)
def test_filled_months_are_neighbour_means(panel: pd.DataFrame, month: str) -> None:
    """The three months without raw rows equal the mean of the adjacent months."""
    wide = panel["MedTemp"].unstack("Date")
    period = pd.Period(month, freq="M")
    expected = (wide[period - 1] + wide[period + 1]) / 2
    pd.testing.assert_series_equal(wide[period], expected, check_names=False)


def test_known_values(panel: pd.DataFrame) -> None:
    """Pin a few values, computed independently from the raw CSV."""
    # Canberra 2011-03 and 2011-05 are observed; 2011-04 is their mean.
    canberra = panel.xs("Canberra", level="Location")["MedTemp"]
    mar, may = canberra[pd.Period("2011-03", "M")], canberra[pd.Period("2011-05", "M")]
    assert canberra[pd.Period("2011-04", "M")] == (mar + may) / 2
    assert panel["MedTemp"].mean() == pytest.approx(17.681145, abs=1e-6)


def test_sktime_mtype(panel: pd.DataFrame) -> None:
    """The panel is a valid sktime pd-multiindex Panel."""
    from sktime.datatypes import check_is_mtype

    valid, msg, metadata = check_is_mtype(panel, "pd-multiindex", return_metadata=True)
    assert valid, msg
    assert metadata["n_instances"] == N_LOCATIONS
    assert metadata["is_equal_length"]
    assert metadata["is_equally_spaced"]
    assert not metadata["has_nans"]


def test_load_returns_fresh_copies() -> None:
    """Mutating one loaded frame does not affect the next load."""
    first = load_weather_au()
    second = load_weather_au()
    assert first is not second
    pd.testing.assert_frame_equal(first, second)
    original = second["MedTemp"].iloc[0]
    first.iloc[0, 0] = -999.0
    first["extra"] = 1.0
    third = load_weather_au()
    assert third["MedTemp"].iloc[0] == original
    assert list(third.columns) == ["MedTemp"]
    assert not np.shares_memory(
        second["MedTemp"].to_numpy(), third["MedTemp"].to_numpy()
    )


# --- build_weather_au_panel on a synthetic raw CSV ---------------------------

HEADER = ["Date", "Location", "MinTemp", "MaxTemp", "Rainfall"]
# months 2008-12 .. 2017-01: the function must cut to 2009-01 .. 2016-12
RAW_MONTHS = pd.period_range("2008-12", "2017-01", freq="M")


def _alpha(k: int) -> float:
    """Synthetic MedTemp for 'Alpha' at month number k (0 = 2009-01): linear."""
    return k + 5.0


def _bravo(k: int) -> float:
    """Synthetic MedTemp for 'Bravo': quadratic, so the fill differs from k**2."""
    return float(k * k)


def _fake_rows(skip: set[tuple[str, str]] | None = None) -> list[list[str]]:
    """Daily rows for Alpha, Bravo and (dropped) Dartmoor; no rows in FILLED months.

    Each month has two valid days whose MedTemp averages to the target, plus
    rows with one temperature NA that must be ignored.
    """
    skip = skip or set()
    rows: list[list[str]] = []
    for period in RAW_MONTHS:
        month = str(period)
        if month in FILLED:
            continue
        k = (period - MONTHS[0]).n
        for loc, target in (
            ("Bravo", _bravo(k)),
            ("Alpha", _alpha(k)),
            ("Dartmoor", 99.0),
        ):
            if (loc, month) in skip:
                continue
            # day 3: MedTemp = target - 1; day 17: MedTemp = target + 1
            rows.append([f"{month}-03", loc, f"{target - 6}", f"{target + 4}", "0.0"])
            rows.append([f"{month}-17", loc, f"{target - 4}", f"{target + 6}", "NA"])
            # one temperature missing: the row is dropped, whatever the other says
            rows.append([f"{month}-20", loc, "NA", "500.0", "0.0"])
            rows.append([f"{month}-21", loc, "-500.0", "NA", "0.0"])
    return rows


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write rows as CSV, gzip-compressed if the name ends in .gz."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(params=["raw.csv", "raw.csv.gz"])
def fake_csv(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Synthetic raw daily CSV, plain and gzip."""
    return _write_csv(tmp_path / request.param, HEADER, _fake_rows())


def test_build_fake_structure(fake_csv: Path) -> None:
    """Structure, dropped location, sorting and month range on synthetic data."""
    result = build_weather_au_panel(fake_csv)
    assert result.shape == (2 * N_MONTHS, 1)
    assert list(result.index.names) == ["Location", "Date"]
    assert list(result.index.levels[0]) == ["Alpha", "Bravo"]
    dates = result.index.get_level_values("Date")
    assert isinstance(dates, pd.PeriodIndex)
    assert dates.freqstr == "M"
    assert result.index.is_monotonic_increasing
    assert result["MedTemp"].dtype == np.float64
    assert not result.isna().to_numpy().any()


def test_build_fake_known_values(fake_csv: Path) -> None:
    """Observed months are the NA-free daily mean; filled months the neighbour mean."""
    result = build_weather_au_panel(str(fake_csv))["MedTemp"]
    for k, period in enumerate(MONTHS):
        month = str(period)
        if month in FILLED:
            alpha = (_alpha(k - 1) + _alpha(k + 1)) / 2
            bravo = (_bravo(k - 1) + _bravo(k + 1)) / 2
        else:
            alpha, bravo = _alpha(k), _bravo(k)
        assert result[("Alpha", period)] == alpha, month
        assert result[("Bravo", period)] == bravo, month
    # the quadratic shows it is the neighbour mean, not the "true" value k**2
    k_apr = (pd.Period("2011-04", "M") - MONTHS[0]).n
    assert result[("Bravo", pd.Period("2011-04", "M"))] == k_apr**2 + 1


def test_build_same_from_plain_and_gzip(tmp_path: Path) -> None:
    """Plain and gzip input give identical panels; gzip is sniffed, not named."""
    rows = _fake_rows()
    plain = _write_csv(tmp_path / "raw.csv", HEADER, rows)
    gz = _write_csv(tmp_path / "raw.csv.gz", HEADER, rows)
    disguised = tmp_path / "gzip_named_plain.csv"
    disguised.write_bytes(gz.read_bytes())
    expected = build_weather_au_panel(plain)
    pd.testing.assert_frame_equal(build_weather_au_panel(gz), expected)
    pd.testing.assert_frame_equal(build_weather_au_panel(disguised), expected)


@pytest.mark.parametrize("name", ["missing.csv", "missing.csv.gz"])
def test_build_missing_file(tmp_path: Path, name: str) -> None:
    """A missing file raises FileNotFoundError naming the path."""
    path = tmp_path / name
    with pytest.raises(FileNotFoundError, match=name):
        build_weather_au_panel(path)
    with pytest.raises(FileNotFoundError, match=name):
        build_weather_au_panel(str(path))


def test_build_directory_is_not_a_file(tmp_path: Path) -> None:
    """A directory is not a CSV."""
    with pytest.raises(FileNotFoundError):
        build_weather_au_panel(tmp_path)


@pytest.mark.parametrize("name", ["raw.csv", "raw.csv.gz"])
@pytest.mark.parametrize("column", ["MaxTemp", "Location", "Date"])
def test_build_missing_column(tmp_path: Path, name: str, column: str) -> None:
    """A missing required column raises ValueError naming it."""
    drop = HEADER.index(column)
    header = [c for i, c in enumerate(HEADER) if i != drop]
    rows = [[v for i, v in enumerate(row) if i != drop] for row in _fake_rows()[:10]]
    path = _write_csv(tmp_path / name, header, rows)
    with pytest.raises(ValueError, match=column):
        build_weather_au_panel(path)


@pytest.mark.parametrize("name", ["raw.csv", "raw.csv.gz"])
@pytest.mark.parametrize("bad", ["n/a", "", " "])
def test_build_non_numeric_temperature(tmp_path: Path, name: str, bad: str) -> None:
    """Only the literal NA is missing; other text in a temperature is an error."""
    rows = _fake_rows()
    rows[5][3] = bad
    path = _write_csv(tmp_path / name, HEADER, rows)
    with pytest.raises(ValueError, match="MaxTemp"):
        build_weather_au_panel(path)


@pytest.mark.parametrize("name", ["raw.csv", "raw.csv.gz"])
def test_build_remaining_gap_raises(tmp_path: Path, name: str) -> None:
    """A gap outside the three filled months is reported, not filled."""
    # Alpha misses 2010-06; Bravo misses 2011-03, so 2011-04 cannot be filled.
    skip = {("Alpha", "2010-06"), ("Bravo", "2011-03")}
    path = _write_csv(tmp_path / name, HEADER, _fake_rows(skip))
    with pytest.raises(ValueError, match="Alpha") as excinfo:
        build_weather_au_panel(path)
    message = str(excinfo.value)
    assert "Alpha: 2010-06" in message
    assert "Bravo: 2011-03, 2011-04" in message
    assert "Dartmoor" not in message


def test_build_only_dropped_locations(tmp_path: Path) -> None:
    """Input with only dropped locations leaves nothing and raises."""
    rows = [r for r in _fake_rows() if r[1] == "Dartmoor"]
    path = _write_csv(tmp_path / "raw.csv", HEADER, rows)
    with pytest.raises(ValueError, match="no location"):
        build_weather_au_panel(path)


# --- shipped CSV vs. a rebuild from the raw data ------------------------------


@pytest.mark.slow
def test_shipped_csv_matches_rebuild() -> None:
    """The shipped CSV is what build_weather_au_panel derives from the raw data."""
    raw = _raw_csv_path()
    if not raw.is_file():
        pytest.skip(f"raw weatherAUS CSV not available at {raw}")
    rebuilt = build_weather_au_panel(raw)
    shipped = load_weather_au()
    pd.testing.assert_frame_equal(shipped, rebuilt, check_exact=False, rtol=1e-12)

    # one value recomputed without pandas: Canberra, 2009-01
    opener = gzip.open if raw.suffix == ".gz" else open
    with opener(raw, "rt", newline="") as fh:
        temps = [
            (float(r["MinTemp"]) + float(r["MaxTemp"])) / 2
            for r in csv.DictReader(fh)
            if r["Location"] == "Canberra"
            and r["Date"].startswith("2009-01-")
            and r["MinTemp"] != "NA"
            and r["MaxTemp"] != "NA"
        ]
    assert len(temps) > 0
    expected = sum(temps) / len(temps)
    assert shipped.loc[("Canberra", pd.Period("2009-01", "M")), "MedTemp"] == (
        pytest.approx(expected, rel=1e-12)
    )
