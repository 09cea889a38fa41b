"""Reads a delårsrapport from structured data files (e.g. data/snd2023/*.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from domain.content.ekonomi import table_from_dict
from domain.content.indicators import indicator_from_dict
from domain.content.internkontroll import Kontrollpunkt, kontrollpunkt_from_dict
from domain.errors import InvalidInputError
from reporting.delarsrapport import Delarsrapport, GoalSection


class DataFileError(InvalidInputError):
    """A data file that does not follow its format; the message names the file and entry."""


def load_delarsrapport(directory: Path) -> Delarsrapport:
    rapport = _read(directory / "rapport.yaml")
    goals = tuple(_entry(directory / "rapport.yaml", g.get("item_id"), lambda g=g: _goal(g))
                  for g in rapport.get("goals", ()))
    kontroll_path = directory / "internkontroll.yaml"
    kontroll = _read(kontroll_path) if kontroll_path.exists() else {}
    plan = tuple(_entry(kontroll_path, p.get("punkt_id"), lambda p=p: kontrollpunkt_from_dict(p))
                 for p in kontroll.get("plan", ()))
    results = dict(kontroll.get("results") or {})
    unknown = sorted(set(results) - {p.punkt_id for p in plan})
    if unknown:
        raise DataFileError(f"{kontroll_path}: resultat för okända kontrollpunkter: "
                            f"{', '.join(unknown)}")
    ekonomi_path = directory / "ekonomi.yaml"
    ekonomi = _read(ekonomi_path) if ekonomi_path.exists() else {}
    tables = tuple(_entry(ekonomi_path, t.get("kind"), lambda t=t: table_from_dict(t))
                   for t in ekonomi.get("tables", ()))
    return Delarsrapport(title=str(rapport["title"]), namnd=str(rapport["namnd"]),
                         period=str(rapport["period"]), period_end=_date(rapport, "period_end"),
                         goals=goals, internkontroll=plan,
                         kontroll_results=results, ekonomi=tables)


def load_internkontrollplan(path: Path) -> list[Kontrollpunkt]:
    """An internkontrollplan file (``plan:`` rows); riskvärden are checked on load."""
    data = _read(path)
    plan = [_entry(path, p.get("punkt_id"), lambda p=p: kontrollpunkt_from_dict(p))
            for p in data.get("plan", ())]
    ids = [p.punkt_id for p in plan]
    if len(set(ids)) != len(ids):
        raise DataFileError(f"{path}: samma punkt_id förekommer två gånger")
    return plan


def _date(data: dict[str, Any], key: str) -> date:
    value = data.get(key)
    if not isinstance(value, date):
        raise DataFileError(f"rapport.yaml: {key} ska vara ett datum (ÅÅÅÅ-MM-DD)")
    return value


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: kan inte läsas: {exc}") from None
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: ska vara en YAML-mappning")
    return data


def _entry(path: Path, name: object, build: Any) -> Any:
    try:
        return build()
    except (InvalidInputError, KeyError, TypeError) as exc:
        raise DataFileError(f"{path}: {name!r}: {exc}") from None


def _goal(data: dict[str, Any]) -> GoalSection:
    return GoalSection(
        item_id=str(data["item_id"]), kf_mal=data.get("kf_mal"), title=str(data["title"]),
        indicators=tuple(indicator_from_dict(i) for i in data.get("indicators", ())),
        bedomning=data.get("bedomning"), motivering=data.get("motivering"),
        kommentar=data.get("kommentar"), agenda2030=tuple(data.get("agenda2030") or ()),
    )
