"""The community registry: loaded, validated with line numbers, reloaded when it changes."""

from __future__ import annotations

import os
import textwrap

import pytest

from bot.community.registry import load_registry, parse_duration
from bot.config import ROOT
from bot.livefile import LiveFile
from bot.yamlfile import YamlFileError

EXAMPLE = ROOT / "community.example.yaml"


def test_example_registry_loads():
    registry = load_registry(EXAMPLE)
    assert registry.community_id == "c1" and registry.duty
    assert registry.contact_within == {"high": 600, "medium": 1800, "low": 86400}


@pytest.mark.parametrize("spelling", ["3栋", "3号楼", "三栋", "3幢", "3#", "三号楼"])
def test_building_variants_find_the_grid(spelling):
    assert load_registry(EXAMPLE).grid_for(spelling).id == "g1"


def test_unknown_building_has_no_grid():
    assert load_registry(EXAMPLE).grid_for("99栋") is None


@pytest.mark.parametrize("text,seconds", [("90s", 90), ("3m", 180), ("1h", 3600), ("2d", 172800)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def write(tmp_path, text: str):
    path = tmp_path / "community.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """\
community: {id: c9, name: 测试社区}
duty:
  - {wecom: d1, name: 值班}
grids:
  - id: g1
    name: 一
    buildings: ["1栋"]
    leader: {wecom: l1, name: 组长}
escalation:
  high: {contact_within: 10m}
  medium: {contact_within: 30m}
  low: {contact_within: 24h}
"""


@pytest.mark.parametrize(
    "broken,line,words",
    [
        (GOOD.replace("    leader: {wecom: l1, name: 组长}\n", ""), 5, "leader"),
        (GOOD.replace("high: {contact_within: 10m}", "high: {contact_within: soon}"), 10, "duration"),
        (GOOD.replace('["1栋"]', '["花园"]'), 5, "building"),
        (GOOD.replace("duty:\n", "duty: [\n"), None, "YAML"),
        (GOOD.replace("  - {wecom: d1, name: 值班}", "  - {name: 值班}"), 3, "wecom"),
    ],
)
def test_errors_name_the_line(tmp_path, broken, line, words):
    with pytest.raises(YamlFileError) as caught:
        load_registry(write(tmp_path, broken))
    assert words in str(caught.value)
    if line:
        assert caught.value.line == line


def test_live_file_reloads_and_keeps_last_good(tmp_path):
    path = write(tmp_path, GOOD)
    live = LiveFile(str(path), load_registry, interval=0)
    assert live.get().community_name == "测试社区"
    path.write_text(GOOD.replace("测试社区", "新名字"), encoding="utf-8")
    os.utime(path, ns=(1, 2_000_000_000_000_000_000))
    assert live.get().community_name == "新名字"
    path.write_text("grids: [", encoding="utf-8")
    assert live.get().community_name == "新名字" and "community.yaml" in live.error


def test_explicit_settings_win_over_the_environment():
    from bot.config import load_config

    config = load_config({"redis_url": "redis://override/1"}, environ={"REDIS_URL": "redis://env/0", "PORT": "7000"})
    assert config.redis_url == "redis://override/1" and config.port == 7000
