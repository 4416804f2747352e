"""Project configuration: `cdcheck.toml`, or `[tool.cdcheck]` in pyproject.toml, found from the
current directory upwards (the first folder that has either wins; cdcheck.toml before
pyproject.toml). Command-line options override what the file says.

    fail-on = "review"                 # violation (default) | review | never
    speaker-country = "GRC"            # the speaker is the country under review
    include = ["statements/**"]        # globs, relative to this file's folder
    exclude = ["**/archive/**", "*.draft.md"]

    [aliases]                          # extra names the gazetteer should know
    "Hellenic Republic" = "GRC"

    [[allow]]                          # accept reviewed findings in files you cannot annotate
    paths = ["statements/greece-*.docx"]
    countries = ["GRC"]
    reason = "the speaker is Greece, the country under review"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BadOption

FILE_NAME = "cdcheck.toml"
FAIL_ON = ("violation", "review", "never")
_KEYS = ("fail-on", "speaker-country", "include", "exclude", "aliases", "allow")


@dataclass
class AllowEntry:
    """An `[[allow]]` entry: accept findings for `countries` in files matching `paths`."""

    paths: list[str]
    countries: list[str]
    reason: str


@dataclass
class Config:
    """What a configuration file says (all empty when there is none)."""

    path: Path | None = None
    fail_on: str | None = None
    speaker_country: str | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    allow: list[AllowEntry] = field(default_factory=list)

    @property
    def base(self) -> Path | None:
        """The folder that the file's globs are relative to."""
        return self.path.parent if self.path else None


def find(start: Path | None = None) -> Path | None:
    """The configuration file that applies in `start` (default: the current directory), or None."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / FILE_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "cdcheck" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadOption(f"{path}: cannot read the configuration file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadOption(f"{path}: not valid TOML ({exc})") from None


def _strings(path: Path, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise BadOption(f"{path}: `{key}` must be a string or a list of strings")


def load(path: Path) -> Config:
    """The Config in `path` (cdcheck.toml, or pyproject.toml's [tool.cdcheck]); BadOption if wrong."""
    path = Path(path)
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("cdcheck", {})
    if not isinstance(data, dict):
        raise BadOption(f"{path}: [tool.cdcheck] must be a table")
    data = {k.replace("_", "-"): v for k, v in data.items()}
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise BadOption(f"{path}: unknown setting {', '.join(unknown)}; "
                        f"cdcheck knows {', '.join(_KEYS)}")
    cfg = Config(path=path)
    if "fail-on" in data:
        if data["fail-on"] not in FAIL_ON:
            raise BadOption(f"{path}: `fail-on` must be one of {', '.join(FAIL_ON)}")
        cfg.fail_on = data["fail-on"]
    if "speaker-country" in data:
        if not isinstance(data["speaker-country"], str):
            raise BadOption(f"{path}: `speaker-country` must be a string (an ISO code or name)")
        cfg.speaker_country = data["speaker-country"]
    for key in ("include", "exclude"):
        if key in data:
            setattr(cfg, key, _strings(path, key, data[key]))
    aliases = data.get("aliases", {})
    if not isinstance(aliases, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
        raise BadOption(f"{path}: [aliases] must map names to countries: \"Hellas\" = \"GRC\"")
    cfg.aliases = dict(aliases)
    allow = data.get("allow", [])
    if not isinstance(allow, list):
        raise BadOption(f"{path}: `allow` must be an array of tables ([[allow]])")
    for i, entry in enumerate(allow, start=1):
        where = f"{path}: [[allow]] entry {i}"
        if not isinstance(entry, dict):
            raise BadOption(f"{where} must be a table")
        extra = sorted(set(entry) - {"paths", "path", "countries", "country", "reason"})
        if extra:
            raise BadOption(f"{where}: unknown key {', '.join(extra)}")
        paths = _strings(path, "paths", entry.get("paths", entry.get("path", "**")))
        countries = _strings(path, "countries", entry.get("countries", entry.get("country", [])))
        reason = entry.get("reason")
        if not countries:
            raise BadOption(f"{where} names no country")
        if not isinstance(reason, str) or not reason.strip():
            raise BadOption(f"{where} needs a `reason`")
        cfg.allow.append(AllowEntry(paths, countries, reason.strip()))
    return cfg


def discover(explicit: str | None = None, disabled: bool = False,
             start: Path | None = None) -> Config:
    """The Config to use: the file named, none when disabled, else the one found upwards."""
    if disabled:
        return Config()
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise BadOption(f"{explicit}: no such configuration file")
        return load(path)
    found = find(start)
    return load(found) if found else Config()
