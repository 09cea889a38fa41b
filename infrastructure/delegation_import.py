"""Imports a delegationsordning data file (YAML), with file:line errors like importer.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from application.bus import CommandResult
from application.delegation import OrdningVersionSpec, ensure_delegationsordning
from application.ports import AbstractEventStore
from domain.base import Actor
from domain.delegation_rows import DelegatAlternative, DelegationRow, check_row
from domain.errors import DomainError
from infrastructure.importer import DataFileError, _line_of, load_file


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DelegatSpec(_Spec):
    roles: list[str] = Field(min_length=1)
    label: str = ""
    jointly: bool = False
    over: float | None = None
    up_to: float | None = None
    within_unit: str | None = None
    when_original: Literal["au", "namnd"] | None = None


class RowSpec(_Spec):
    nr: str = Field(pattern=r"^\d+(\.\d+)*$")
    arende: str = Field(min_length=1)
    lagrum: str = ""
    delegater: list[DelegatSpec] = []
    kommentar: str = ""
    anmalan: Literal["ska", "om_laglighetsprovning", "nej"] = "nej"
    laglighetsprovning: bool | None = False
    bradskande: bool = False
    verkstallighet: bool = False
    ej_delegerbar: bool = False
    limit_unit: str | None = None
    source: str = ""

    def to_row(self) -> DelegationRow:
        alternatives = tuple(
            DelegatAlternative(tuple(d.roles), d.label, d.jointly, d.over, d.up_to,
                               d.within_unit, d.when_original) for d in self.delegater)
        data = self.model_dump(exclude={"delegater"})
        return DelegationRow(delegater=alternatives, **data)


class VersionSpec(_Spec):
    in_force_from: date
    beslut_date: date
    dnr: str = Field(pattern=r"^\d{4}\.\d{3} [A-ZÅÄÖ]{2,10}$")
    paragraph: str = Field(pattern=r"^§ \d{1,4}$")
    based_on_previous: bool = False
    removed: list[str] = []
    rows: list[RowSpec]


class DelegationsordningFile(_Spec):
    namnd_code: str = Field(pattern=r"^[A-ZÅÄÖ]{2,10}$")
    namnd_name: str = Field(min_length=1)
    versions: list[VersionSpec] = Field(min_length=1)


def load_delegationsordning(path: Path) -> tuple[DelegationsordningFile, list[OrdningVersionSpec]]:
    """Parses the file and checks every row against the law, naming file and line."""
    spec = load_file(path, DelegationsordningFile)
    node = yaml.compose(path.read_text(encoding="utf-8"))
    assert node is not None  # load_file refused an empty file
    versions: list[OrdningVersionSpec] = []
    previous: dict[str, DelegationRow] = {}
    for i, v in enumerate(spec.versions):
        rows = dict(previous) if v.based_on_previous else {}
        for nr in v.removed:
            rows.pop(nr, None)
        for j, r in enumerate(v.rows):
            row = r.to_row()
            try:
                check_row(row)
            except DomainError as exc:
                line = _line_of(node, ("versions", i, "rows", j))
                raise DataFileError(f"{path}:{line}: {exc}") from None
            rows[row.nr] = row
        versions.append(OrdningVersionSpec(v.in_force_from, v.dnr, v.paragraph, v.beslut_date,
                                           list(rows.values())))
        previous = rows
    return spec, versions


def import_delegationsordning(store: AbstractEventStore, path: Path) -> CommandResult:
    spec, versions = load_delegationsordning(path)
    try:
        return ensure_delegationsordning(store, spec.namnd_code, spec.namnd_name, versions,
                                         Actor.system("import"))
    except DomainError as exc:
        raise DataFileError(f"{path}: {exc}") from None
