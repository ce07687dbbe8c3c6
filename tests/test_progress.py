"""What ``verbose`` shows the user: one labelled line per epoch, on stdout."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_panel, tiny_forecaster

FH = [1, 2, 3]
LINE = re.compile(
    r"^sktime-gru (?P<task>fit|update|pretrain): (?P<stage>.+?) "
    r"epoch (?P<epoch>\d+)/(?P<epochs>\d+) loss \S+( val_loss \S+)? \(\d+\.\d s\)$"
)


@pytest.fixture
def y():
    return make_panel(lengths=(40, 36, 44), start_offsets=(0, 4, 0))


def _lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.strip()]


def _keras_output(out: str) -> bool:
    """Keras' progress bars and per-epoch lines ('Epoch 1/2', '1/1 ━━━ ...')."""
    return "Epoch " in out or "━" in out or "/step" in out


def test_fit_verbose_true_labels_every_network_and_epoch_in_order(y, capsys):
    tiny_forecaster(
        verbose=True, n_epochs=2, ensemble_size=2, interval_calibration="windows"
    ).fit(y, fh=FH)
    out = capsys.readouterr().out
    lines = _lines(out)
    labels = [
        (m["task"], m["stage"], m["epoch"], m["epochs"]) for m in map(LINE.match, lines)
    ]
    assert labels == [
        ("fit", "member 1/2", "1", "2"),
        ("fit", "member 1/2", "2", "2"),
        ("fit", "member 2/2", "1", "2"),
        ("fit", "member 2/2", "2", "2"),
    ], out
    assert not _keras_output(out)


def test_fit_verbose_shows_the_backtest_network_first(y, capsys):
    f = tiny_forecaster(verbose=1, n_epochs=1, ensemble_size=3).fit(y, fh=FH)
    lines = _lines(capsys.readouterr().out)
    assert LINE.match(lines[0])["stage"] == "backtest network"
    if f.departure_weight_ > 0:
        stages = [LINE.match(line)["stage"] for line in lines[1:]]
        assert stages == ["member 1/3", "member 2/3", "member 3/3"]
    else:  # the members are not trained: the user is told why
        assert lines[1:] == [
            "sktime-gru fit: the backtest kept none of the network "
            "(departure_weight_ 0): the members are not trained, the forecast "
            "is the backbone"
        ]


def test_validation_loss_is_shown_when_there_is_one(y, capsys):
    tiny_forecaster(
        verbose=True, validation_split=0.3, interval_calibration="windows"
    ).fit(y, fh=FH)
    lines = _lines(capsys.readouterr().out)
    assert lines and all(" val_loss " in line for line in lines)


@pytest.mark.parametrize("verbose", [False, 0])
def test_silent_when_off(y, capsys, verbose):
    f = tiny_forecaster(verbose=verbose).fit(y.groupby(level=0).head(34), fh=FH)
    f.update(y, update_params=True)
    f.predict()
    assert capsys.readouterr().out == ""


def test_update_fine_tuning_and_pretrain_are_labelled(y, capsys):
    f = tiny_forecaster(
        verbose=True, update_epochs=1, interval_calibration="windows"
    ).fit(y.groupby(level=0).head(34), fh=FH)
    capsys.readouterr()
    f.update(y, update_params=True)  # the last months of every series are new
    update = _lines(capsys.readouterr().out)
    assert [LINE.match(line)["stage"] for line in update] == ["fine-tuning"]
    assert update[0].startswith("sktime-gru update: fine-tuning epoch 1/1 loss ")

    tiny_forecaster(verbose=True, interval_calibration="windows").pretrain(y, fh=FH)
    pretrain = _lines(capsys.readouterr().out)
    assert pretrain and all(
        line.startswith("sktime-gru pretrain: ") for line in pretrain
    )


def test_verbose_2_adds_keras_own_lines(y, capsys):
    tiny_forecaster(verbose=2, n_epochs=1, interval_calibration="windows").fit(y, fh=FH)
    out = capsys.readouterr().out
    assert "sktime-gru fit: member 1/1 epoch 1/2" not in out
    assert "sktime-gru fit: member 1/1 epoch 1/1 loss " in out
    assert _keras_output(out)
