"""Datasets shipped with sktime_gru."""

__all__ = ["build_weather_au_panel", "load_weather_au"]

from sktime_gru.datasets._weather_au import build_weather_au_panel, load_weather_au
