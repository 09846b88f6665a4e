"""``prevention-engine render``: the calendars as Markdown or HTML documents for clinicians.

The rule files are validated first (an invalid file is a ``CalendarError``, never a half
document); the documents are then built from the YAML as written. ``write_all`` regenerates a
folder (``docs/calendars/``): one document per calendar version and an index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..calendar.loader import rule_files
from ..calendar.yamlsrc import load_yaml
from ..errors import InputError
from ..registry import Registry
from ..vocabulary import suggest
from .document import calendar_document, rule_path
from .write import html, markdown

FORMATS = {"md": markdown, "html": html}


@dataclass(frozen=True)
class CalendarFile:
    id: str
    version: str
    in_force_from: str
    file: Path
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.id}-{self.version}"


def calendar_files(paths: Iterable[Path], *, validate: bool = True) -> list[CalendarFile]:
    """Every calendar version below ``paths`` (validated first unless the caller just did),
    ordered by id then date in force."""
    paths = list(paths)
    if validate:
        Registry.load(paths)  # every file, with file:line errors
    out = []
    for f in rule_files(paths):
        data = load_yaml(f.read_text(encoding="utf-8"), str(f))
        if isinstance(data, dict) and "calendar" in data:
            out.append(CalendarFile(data["calendar"], data["version"],
                                    str(data["in_force"]["from"]), f, data))
    return sorted(out, key=lambda c: (c.id, c.in_force_from, c.version))


def select(files: list[CalendarFile], spec: str | None) -> list[CalendarFile]:
    """``None``: all; ``fr-vaccination``: its versions; ``fr-vaccination@2025.1``: one."""
    if spec is None:
        return files
    cid, _, version = spec.partition("@")
    chosen = [c for c in files if c.id == cid and (not version or c.version == version)]
    if not chosen:
        known = sorted({c.id for c in files} | {f"{c.id}@{c.version}" for c in files})
        hint = suggest(spec, known)
        raise InputError(f"no calendar '{spec}'" + (f" (did you mean '{hint}'?)" if hint
                                                        else "") + "; known: " + ", ".join(
            sorted({c.id for c in files})))
    return chosen


def render(cal: CalendarFile, fmt: str) -> str:
    return FORMATS[fmt](calendar_document(cal.data, str(cal.file)))


def index(files: list[CalendarFile], formats: list[str]) -> str:
    lines = ["# Calendriers (documents pour la relecture clinique)", "",
             "Générés depuis les fichiers de `rules/` : ne pas les modifier à la main. "
             "Pour les régénérer après un changement de règles :", "", "```bash",
             "prevention-engine render --out docs/calendars", "```", "",
             "| calendrier | version | en vigueur depuis | fichier de règles | documents |",
             "|---|---|---|---|---|"]
    for c in files:
        docs = " · ".join(f"[{fmt}]({c.name}.{fmt})" for fmt in formats)
        lines.append(f"| `{c.id}` | {c.version} | {c.in_force_from} | "
                     f"`rules/{rule_path(str(c.file))}` | {docs} |")
    return "\n".join(lines) + "\n"


def documents(files: list[CalendarFile], formats: list[str]) -> dict[str, str]:
    """File name -> content, for a documents folder (``README.md`` is the index)."""
    out = {f"{c.name}.{fmt}": render(c, fmt) for c in files for fmt in formats}
    out["README.md"] = index(files, formats)
    return out


def write_all(files: list[CalendarFile], folder: Path, formats: list[str]) -> list[Path]:
    """Write the documents, and remove documents of versions no longer in ``files``."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = documents(files, formats)
    for old in folder.iterdir():
        if old.suffix in (".md", ".html") and old.name not in wanted:
            old.unlink()
    written = []
    for name, text in wanted.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
