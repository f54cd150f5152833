"""The load script's throughput verdict: the median pair decides, and what it prints shows why."""

from __future__ import annotations

import pytest

from bench.load import Figures, paired_verdict, rate_before


def pair(bot_rps: float, ref_rps: float, bot_errors: int = 0) -> tuple[Figures, Figures]:
    return Figures(1000, bot_errors, bot_rps, 1, 2, 3, 4), Figures(1000, 0, ref_rps, 1, 2, 3, 4)


def test_a_median_just_under_half_is_not_met_and_prints_it_unrounded(capsys):
    # session 8's second run: 55, 45, 41, 50.3 and 49.8 %, whose median printed as "50%" beside NOT met
    pairs = [pair(1929, 3538), pair(1779, 3917), pair(1493, 3635), pair(1781, 3542), pair(1828, 3668)]
    assert not paired_verdict(pairs)
    out = capsys.readouterr().out
    assert "[NOT met] full bot max = 49.8% of the minimal" in out
    assert "range 41.1%-54.5%" in out


def test_the_median_decides_not_the_worst_pair():
    assert paired_verdict([pair(1500, 4000), pair(2000, 3800), pair(2100, 3900)])  # 37.5, 52.6, 53.8 %


@pytest.mark.parametrize("errors", [1, 25])
def test_any_bot_error_fails_the_target(errors):
    assert not paired_verdict([pair(2500, 3000, bot_errors=errors), pair(2500, 3000), pair(2500, 3000)])


def test_a_sweep_rate_is_held_only_when_every_step_below_it_was():
    rates = [200.0, 300.0, 400.0, 500.0]
    assert rate_before(200.0, rates) == 0.0 and rate_before(500.0, rates) == 400.0
