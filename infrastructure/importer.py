"""Imports the checked-in data files (YAML), reporting errors with file and line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from application.arsplan import ensure_arsplan
from application.bus import CommandResult
from application.cycles import ensure_report_template
from application.organisation import ensure_organisation
from application.ports import AbstractEventStore
from domain.arsplan import Milestone, PlannedCycle
from domain.base import Actor
from domain.errors import DomainError
from domain.organisation import RoleAssignment
from infrastructure.person_directory import directory_for, migrate_profiles

Slug = Field(pattern=r"^[a-z0-9][a-z0-9\-]{0,79}$")
M = TypeVar("M", bound=BaseModel)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnitSpec(_Spec):
    unit_id: str = Slug
    name: str = Field(min_length=1)
    kind: Literal["namnd", "forvaltning", "avdelning", "enhet"]
    parent_id: str | None = None


class PersonSpec(_Spec):
    person_id: str = Slug
    name: str = Field(min_length=1)
    email: str | None = None


class AssignmentSpec(_Spec):
    assignment_id: str = Slug
    person_id: str
    role: str
    unit_id: str
    valid_from: date
    valid_to: date | None = None
    substitute_for: str | None = None
    reason: str | None = None


class OrganisationFile(_Spec):
    code: str = Field(pattern=r"^[A-ZÅÄÖ]{2,10}$")
    name: str
    units: list[UnitSpec]
    people: list[PersonSpec] = []
    assignments: list[AssignmentSpec] = []


class MilestoneSpec(_Spec):
    milestone_id: str = Slug
    level: Literal["kommun", "forvaltning"]
    process: str
    step: str
    start: date
    end: date
    responsible: str | None = None


class CycleSpec(_Spec):
    process: str
    year: int
    title: str
    opens: str
    enhet: str
    avdelning: str
    underlag: str
    beslut: str


class ArsplanFile(_Spec):
    namnd_code: str
    label: str
    milestones: list[MilestoneSpec]
    cycles: list[CycleSpec] = []

    def planned_cycles(self) -> list[PlannedCycle]:
        return [PlannedCycle(cy.process, cy.year, cy.title,
                             (cy.opens, cy.enhet, cy.avdelning, cy.underlag, cy.beslut))
                for cy in self.cycles]


class ItemSpec(_Spec):
    item_id: str = Slug
    kind: str
    title: str = Field(min_length=1, max_length=500)
    levels: list[Literal["enhet", "avdelning", "forvaltning"]] = ["enhet", "avdelning"]
    ref: dict[str, Any] = {}
    values: dict[str, Any] = {}


class TemplateFile(_Spec):
    # A process with its own template (domain.process_kinds); absent: the nämnd's default.
    process: str | None = None
    items: list[ItemSpec]


class DataFileError(Exception):
    """A data file is invalid; the message lists file:line: problem for each error."""


def _line_of(node: yaml.Node, loc: tuple[int | str, ...]) -> int:
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if k.value == key]
            if not match:
                break
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return node.start_mark.line + 1


def load_file(path: Path, model: type[M]) -> M:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except OSError as exc:
        raise DataFileError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise DataFileError(f"{path}:{line}: invalid YAML: {exc}") from None
    if node is None:
        raise DataFileError(f"{path}:1: the file is empty")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}:{_line_of(node, tuple(e['loc']))}: "
                 f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise DataFileError("\n".join(lines)) from None


def import_organisation(store: AbstractEventStore, path: Path) -> CommandResult:
    """The organisation file into the store, names and e-mail into the person directory
    (those an older version recorded in events are copied there first)."""
    spec = load_file(path, OrganisationFile)
    migrate_profiles(store)
    assignments = [RoleAssignment(**a.model_dump()) for a in spec.assignments]
    try:
        return ensure_organisation(
            store, spec.code, spec.name, [u.model_dump() for u in spec.units],
            [p.model_dump() for p in spec.people], assignments, Actor.system("import"),
            directory_for(store))
    except DomainError as exc:
        raise DataFileError(f"{path}: {exc}") from None


def organisation_code(path: Path) -> str:
    """The nämnd code of an organisation file (its templates are imported under it)."""
    return load_file(path, OrganisationFile).code


def import_arsplan(store: AbstractEventStore, path: Path) -> CommandResult:
    """The plan goes into the store; from then on the store, not the file, dates its cycles."""
    spec = load_file(path, ArsplanFile)
    milestones = [Milestone(**m.model_dump()) for m in spec.milestones]
    try:
        return ensure_arsplan(store, spec.namnd_code, spec.label, milestones,
                              Actor.system("import"), spec.planned_cycles())
    except DomainError as exc:
        raise DataFileError(f"{path}: {exc}") from None


def load_template(path: Path) -> list[dict[str, Any]]:
    return [i.model_dump() for i in load_file(path, TemplateFile).items]


def import_report_template(store: AbstractEventStore, namnd_code: str,
                           path: Path) -> CommandResult:
    """The nämnd's default template, or the process's own when the file names one."""
    spec = load_file(path, TemplateFile)
    try:
        return ensure_report_template(store, namnd_code, [i.model_dump() for i in spec.items],
                                      Actor.system("import"), spec.process)
    except DomainError as exc:
        raise DataFileError(f"{path}: {exc}") from None
