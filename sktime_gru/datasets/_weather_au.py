"""Monthly mean temperature panel of 44 Australian weather stations, 2009-2016."""

from __future__ import annotations

__all__ = ["build_weather_au_panel", "load_weather_au"]

import os
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

#: Columns of the raw daily weatherAUS CSV that the derivation needs.
REQUIRED_COLUMNS: tuple[str, ...] = ("Date", "Location", "MinTemp", "MaxTemp")

#: Stations without a usable 2009-2016 monthly series: Katherine, Nhil and Uluru
#: start in 2013-03, Dartmoor has no temperatures in 2009-01/02 and Melbourne has
#: no temperatures from 2015-02 for more than a year.
DROPPED_LOCATIONS: tuple[str, ...] = (
    "Dartmoor",
    "Katherine",
    "Melbourne",
    "Nhil",
    "Uluru",
)

#: Calendar months with no rows for any station in the raw data.
FILLED_MONTHS: tuple[str, ...] = ("2011-04", "2012-12", "2013-02")

FIRST_MONTH = "2009-01"
LAST_MONTH = "2016-12"

_DATA_FILE = "weather_au_monthly.csv"
#: Columns of the shipped long-format CSV, in file order.
_LONG_COLUMNS: tuple[str, ...] = ("Location", "Date", "MedTemp")
_NA_TOKEN = "NA"
_GZIP_MAGIC = b"\x1f\x8b"


def _months() -> pd.PeriodIndex:
    """Return the monthly PeriodIndex 2009-01 .. 2016-12 of the panel."""
    return pd.period_range(FIRST_MONTH, LAST_MONTH, freq="M", name="Date")


def _compression(path: Path) -> str | None:
    """Detect gzip by its magic bytes, so the file name's suffix does not matter."""
    with path.open("rb") as fh:
        return "gzip" if fh.read(2) == _GZIP_MAGIC else None


def _read_daily(path: Path) -> pd.DataFrame:
    """Read and validate the columns of the raw daily CSV that the panel needs."""
    compression = _compression(path)
    header = pd.read_csv(path, nrows=0, compression=compression).columns
    missing = [col for col in REQUIRED_COLUMNS if col not in header]
    if missing:
        raise ValueError(
            f"{path} lacks required column(s) {missing}; "
            f"a weatherAUS CSV needs {list(REQUIRED_COLUMNS)}."
        )
    # Everything is read as text: only the literal "NA" means missing, so any
    # other non-numeric temperature (e.g. an empty field) is an error, not a gap.
    daily = pd.read_csv(
        path,
        usecols=list(REQUIRED_COLUMNS),
        dtype=str,
        na_values=[_NA_TOKEN],
        keep_default_na=False,
        compression=compression,
    )
    for col in ("Date", "Location"):
        n_missing = int(daily[col].isna().sum())
        if n_missing:
            raise ValueError(
                f"{path}: column {col!r} has {n_missing} missing value(s)."
            )
    for col in ("MinTemp", "MaxTemp"):
        # to_numeric would silently turn "" into NaN; the token for missing is "NA".
        n_blank = int(daily[col].str.strip().eq("").sum())
        if n_blank:
            raise ValueError(
                f"{path}: column {col!r} has {n_blank} empty value(s); "
                f"missing values must be {_NA_TOKEN!r}."
            )
        try:
            daily[col] = pd.to_numeric(daily[col], errors="raise").astype("float64")
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"{path}: column {col!r} has a value that is neither a number nor "
                f"{_NA_TOKEN!r}: {err}"
            ) from err
    try:
        dates = pd.to_datetime(daily["Date"], format="%Y-%m-%d")
    except (TypeError, ValueError) as err:
        raise ValueError(f"{path}: column 'Date' is not all YYYY-MM-DD: {err}") from err
    daily["Date"] = dates.dt.to_period("M")
    return daily


def _raise_if_gaps(wide: pd.DataFrame, context: str) -> None:
    """Raise a ValueError naming every (location, month) that is still NaN."""
    missing = wide.isna()
    if not missing.to_numpy().any():
        return
    gaps = [
        f"{location}: {', '.join(str(month) for month in wide.columns[row.to_numpy()])}"
        for location, row in missing.iterrows()
        if row.any()
    ]
    raise ValueError(
        f"{context}: monthly MedTemp is missing for {len(gaps)} location(s); "
        + "; ".join(gaps)
    )


def _wide_to_panel(wide: pd.DataFrame) -> pd.DataFrame:
    """Turn a (Location x month) table into the ``pd-multiindex`` panel.

    Both public functions end here, so their outputs share one structure.
    """
    wide = wide.sort_index()
    index = pd.MultiIndex.from_product(
        [wide.index, pd.PeriodIndex(wide.columns, freq="M")],
        names=["Location", "Date"],
    )
    # from_product is location-major, matching the row-major (C order) ravel.
    values = wide.to_numpy(dtype=np.float64).ravel(order="C")
    return pd.DataFrame({"MedTemp": values}, index=index)


def build_weather_au_panel(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Build the monthly temperature panel from the raw daily weatherAUS CSV.

    Derives the monthly mean daily median temperature of 44 Australian weather
    stations from January 2009 to December 2016, as shipped by
    :func:`load_weather_au`.

    Parameters
    ----------
    path : str or os.PathLike
        Path of the daily weatherAUS CSV ("Rain in Australia", Kaggle), plain or
        gzip-compressed (detected from the content, e.g. ``weatherAUS.csv.gz``).
        It needs the columns ``Date`` (``YYYY-MM-DD``), ``Location``, ``MinTemp``
        and ``MaxTemp``; missing values are the literal ``NA``. Other columns
        are ignored.

    Returns
    -------
    pd.DataFrame
        sktime ``pd-multiindex`` panel with one float64 column ``MedTemp``
        (degrees Celsius). Index level 0 ``Location`` (str, sorted
        alphabetically), level 1 ``Date`` (monthly ``pd.Period``, freq ``"M"``,
        2009-01 to 2016-12). For the real data: 44 locations x 96 months =
        4224 rows.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not an existing file.
    ValueError
        If a required column is missing, a value cannot be parsed (a
        temperature that is neither a number nor ``NA``, a missing or
        malformed ``Date``, a missing ``Location``), no location is left, or a
        location still lacks a month after the fill (the message names the
        locations and months).

    Notes
    -----
    The derivation is, in this order:

    1. read the CSV, ``NA`` being the only missing-value token;
    2. keep the rows where both ``MinTemp`` and ``MaxTemp`` are present;
    3. ``MedTemp`` = median of the two, i.e. ``(MinTemp + MaxTemp) / 2``;
    4. monthly mean of ``MedTemp`` per ``Location``, the month being the
       calendar month of ``Date``;
    5. drop the locations Dartmoor, Katherine, Melbourne, Nhil and Uluru (no
       complete 2009-2016 series: Katherine, Nhil and Uluru start in 2013-03,
       Dartmoor lacks 2009-01/02, Melbourne lacks 2015-02 onwards for over a
       year);
    6. keep the months 2009-01 to 2016-12 inclusive;
    7. the months 2011-04, 2012-12 and 2013-02 have no rows for any location
       in the raw data; a missing value in one of them is filled, per
       location, with the mean of the month before and the month after;
    8. check that no value is missing.

    The data are daily observations of the Australian Bureau of Meteorology
    (Copyright Commonwealth of Australia, Bureau of Meteorology,
    http://www.bom.gov.au/climate/data), collected by Graham Williams for the
    R package ``rattle`` (data set ``weatherAUS``) and republished on Kaggle as
    "Rain in Australia". No open-data license is stated for the compilation:
    attribute the Bureau of Meteorology, and do not assume redistribution
    rights beyond research and evaluation use.

    Examples
    --------
    >>> from sktime_gru.datasets import build_weather_au_panel
    >>> y = build_weather_au_panel("weatherAUS.csv.gz")  # doctest: +SKIP
    >>> y.shape  # doctest: +SKIP
    (4224, 1)
    """
    path = Path(os.fspath(path))
    if not path.is_file():
        raise FileNotFoundError(f"weatherAUS CSV not found (no such file): {path}")
    daily = _read_daily(path)

    daily = daily.dropna(subset=["MinTemp", "MaxTemp"])
    med_temp = (daily["MinTemp"] + daily["MaxTemp"]) / 2
    monthly = med_temp.groupby([daily["Location"], daily["Date"]], sort=True).mean()

    wide = monthly.unstack("Date")
    wide = wide.drop(index=list(DROPPED_LOCATIONS), errors="ignore")
    if wide.empty:
        raise ValueError(
            f"{path}: no location left after dropping {DROPPED_LOCATIONS}."
        )
    # reindex also adds the months that have no rows at all as NaN columns.
    wide = wide.reindex(columns=_months())

    for month in FILLED_MONTHS:
        period = pd.Period(month, freq="M")
        neighbour_mean = (wide[period - 1] + wide[period + 1]) / 2
        # fillna, not overwrite: real observations in these months would win.
        wide[period] = wide[period].fillna(neighbour_mean)

    _raise_if_gaps(wide, context=str(path))
    return _wide_to_panel(wide)


def load_weather_au() -> pd.DataFrame:
    """Load the monthly temperature panel of 44 Australian weather stations.

    Monthly mean of the daily median temperature (mean of daily minimum and
    maximum) at 44 Australian weather stations, January 2009 to December 2016
    (96 months), shipped with the package. It is exactly what
    :func:`build_weather_au_panel` derives from the raw daily weatherAUS CSV.

    Returns
    -------
    pd.DataFrame
        sktime ``pd-multiindex`` panel of 4224 rows with one float64 column
        ``MedTemp`` (degrees Celsius). Index level 0 ``Location`` (44 station
        names, sorted alphabetically), level 1 ``Date`` (monthly ``pd.Period``,
        freq ``"M"``, 2009-01 to 2016-12). Every call returns a new object.

    Raises
    ------
    ValueError
        If the shipped CSV is corrupted (wrong columns, months, duplicates or
        missing values).

    Notes
    -----
    Three months (2011-04, 2012-12, 2013-02) have no raw observations at any
    station; each is the mean of the month before and the month after. See
    :func:`build_weather_au_panel` for the full derivation.

    Source, attribution and terms of use of the data: see
    :func:`build_weather_au_panel`.

    Examples
    --------
    >>> from sktime_gru.datasets import load_weather_au
    >>> y = load_weather_au()
    >>> y.shape
    (4224, 1)
    >>> y.index.names
    FrozenList(['Location', 'Date'])
    """
    resource = files("sktime_gru.datasets") / "data" / _DATA_FILE
    with resource.open("rb") as fh:
        # round_trip: the file holds shortest-repr floats; parse them exactly.
        long = pd.read_csv(
            fh,
            dtype={"Location": str, "Date": str, "MedTemp": np.float64},
            float_precision="round_trip",
        )
    expected = list(_LONG_COLUMNS)
    if list(long.columns) != expected:
        raise ValueError(
            f"shipped {_DATA_FILE} has columns {list(long.columns)}, "
            f"expected {expected}."
        )
    long["Date"] = pd.to_datetime(long["Date"], format="%Y-%m").dt.to_period("M")
    if long.duplicated(["Location", "Date"]).any():
        raise ValueError(f"shipped {_DATA_FILE} has duplicate (Location, Date) rows.")
    wide = long.pivot(index="Location", columns="Date", values="MedTemp")
    months = _months()
    if not set(wide.columns) <= set(months):
        raise ValueError(
            f"shipped {_DATA_FILE} has months outside {FIRST_MONTH}..{LAST_MONTH}."
        )
    wide = wide.reindex(columns=months)
    _raise_if_gaps(wide, context=f"shipped {_DATA_FILE}")
    return _wide_to_panel(wide)


def _save_weather_au_csv(panel: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write a panel in the long CSV format that :func:`load_weather_au` reads.

    Used to (re)generate the shipped ``data/weather_au_monthly.csv``. Floats are
    written in their shortest repr, which reads back bit for bit.
    """
    long = panel.reset_index()
    long["Date"] = long["Date"].dt.strftime("%Y-%m")
    long.to_csv(path, index=False, lineterminator="\n", columns=list(_LONG_COLUMNS))
