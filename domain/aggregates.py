"""Every aggregate the engine records, in one list: the feed's catalogue of event types and
the documentation are built from it, not from whatever happened to be imported."""

from __future__ import annotations

from domain.arsplan import Arsplan
from domain.base import AuditedAggregate
from domain.cycle import Cycle
from domain.delegation import Delegationsordning
from domain.delegation_ledger import DelegationLedger
from domain.delegationsbeslut import Delegationsbeslut
from domain.kommun import KommunSteg
from domain.meeting import Meeting
from domain.organisation import Organisation
from domain.paragraph_register import ParagraphRegister
from domain.report_template import ReportTemplate
from domain.unit_report import UnitReport

AGGREGATES: tuple[type[AuditedAggregate], ...] = (
    Organisation, Arsplan, ReportTemplate, Cycle, UnitReport, Delegationsordning,
    Delegationsbeslut, DelegationLedger, Meeting, ParagraphRegister, KommunSteg,
)
