"""Project configuration: finding cdcheck.toml / [tool.cdcheck] upwards, reading and validating it."""

from __future__ import annotations

import pytest

from cdcheck import config
from cdcheck.errors import BadOption

FULL = """
fail-on = "review"
speaker-country = "GRC"
include = ["statements/**"]
exclude = ["**/archive/**", "*.draft.md"]

[aliases]
"Hellenic Republic" = "GRC"

[[allow]]
paths = ["statements/greece-*.docx"]
countries = ["GRC", "TUR"]
reason = "reviewed by the Secretariat"

[[allow]]
path = "statements/x.md"
country = "X"
reason = "the Guide's example"
"""


def test_reads_every_setting(tmp_path):
    (tmp_path / "cdcheck.toml").write_text(FULL, encoding="utf-8")
    cfg = config.load(tmp_path / "cdcheck.toml")
    assert cfg.fail_on == "review" and cfg.speaker_country == "GRC"
    assert cfg.include == ["statements/**"]
    assert cfg.exclude == ["**/archive/**", "*.draft.md"]
    assert cfg.aliases == {"Hellenic Republic": "GRC"}
    assert [(a.paths, a.countries, a.reason) for a in cfg.allow] == [
        (["statements/greece-*.docx"], ["GRC", "TUR"], "reviewed by the Secretariat"),
        (["statements/x.md"], ["X"], "the Guide's example"),
    ]
    assert cfg.base == tmp_path


def test_found_from_a_subfolder_upwards(tmp_path):
    (tmp_path / "cdcheck.toml").write_text('fail-on = "never"\n', encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert config.find(deep) == (tmp_path / "cdcheck.toml").resolve()
    assert config.discover(start=deep).fail_on == "never"


def test_pyproject_tool_table_and_precedence(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.cdcheck]\nspeaker_country = "NO"\n', encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "y"\n', encoding="utf-8")
    # A pyproject.toml without [tool.cdcheck] does not stop the search.
    assert config.find(sub) == (tmp_path / "pyproject.toml").resolve()
    assert config.discover(start=sub).speaker_country == "NO"  # underscores work too
    # cdcheck.toml wins over pyproject.toml in the same folder.
    (tmp_path / "cdcheck.toml").write_text('fail-on = "review"\n', encoding="utf-8")
    assert config.find(sub).name == "cdcheck.toml"


def test_no_config_ignores_the_file_found(tmp_path, monkeypatch):
    (tmp_path / "cdcheck.toml").write_text('fail-on = "never"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert config.discover().fail_on == "never"  # found in the current folder
    assert config.discover(disabled=True) == config.Config()


def test_explicit_file_must_exist(tmp_path):
    with pytest.raises(BadOption, match="no such configuration file"):
        config.discover(str(tmp_path / "nope.toml"))


@pytest.mark.parametrize("text,words", [
    ('fail-on = "sometimes"\n', "fail-on` must be one of"),
    ('speaker-country = 3\n', "speaker-country` must be a string"),
    ('include = [1, 2]\n', "`include` must be a string or a list"),
    ('colour = "red"\n', "unknown setting colour"),
    ('[aliases]\nHellas = 1\n', "[aliases] must map names"),
    ('[[allow]]\ncountries = ["GRC"]\n', "needs a `reason`"),
    ('[[allow]]\nreason = "x"\n', "names no country"),
    ('[[allow]]\ncountry = "GRC"\nreason = "x"\nfile = "a"\n', "unknown key file"),
    ('fail-on = \n', "not valid TOML"),
])
def test_bad_settings_are_bad_options_naming_the_file(tmp_path, text, words):
    path = tmp_path / "cdcheck.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadOption, match=words.replace("[", r"\[").replace("]", r"\]")) as exc:
        config.load(path)
    assert str(path) in str(exc.value)
