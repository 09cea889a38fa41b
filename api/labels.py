"""Swedish labels for the codes the domain records, as Jinja filters for the dashboard.

The domain keeps stable codes (event class names, statuses, item kinds, field names);
users read Swedish. An unknown code is shown as it is rather than hidden.
"""

from __future__ import annotations

from typing import Any

EVENT_LABELS = {
    "Arsplan.Adopted": "Årsplan antagen",
    "Arsplan.MilestoneMoved": "Hållpunkt flyttad",
    "Arsplan.CyclesDefined": "Årsplanens cykler fastställda",
    "Arsplan.MilestonesAdded": "Hållpunkter tillagda",
    "Cycle.Opened": "Cykel öppnad",
    "Cycle.DeadlineMoved": "Cykelns sista dag flyttad",
    "Cycle.UnderlagSent": "Underlag skickat till kommunledningskontoret",
    "Cycle.BeslutRecorded": "Nämndens beslut registrerat",
    "Cycle.BeslutExported": "Beslut exporterat till diariet",
    "UnitReport.Opened": "Rapport öppnad",
    "UnitReport.ItemChanged": "Punkt ändrad",
    "UnitReport.Klarmarkerad": "Klarmarkerad",
    "UnitReport.Godkand": "Godkänd (attesterad)",
    "UnitReport.Atersand": "Återsänd",
    "UnitReport.Reopened": "Återöppnad",
    "UnitReport.DeadlineMoved": "Sista dag flyttad",
    "UnitReport.AttestationRequested": "Attest begärd",
    "UnitReport.ReminderSent": "Påminnelse skickad",
    "UnitReport.RemindersSkipped": "Påminnelse hoppades över",
    "UnitReport.DeadlinePassed": "Sista dag passerad",
    "UnitReport.Escalated": "Eskalerad",
    "UnitReport.IndicatorRecorded": "Nyckeltal registrerat",
    "UnitReport.BedomningSet": "Bedömning satt",
    "UnitReport.EkonomiRecorded": "Ekonomi registrerad",
    "Organisation.Registered": "Organisation registrerad",
    "Organisation.UnitAdded": "Enhet tillagd",
    "Organisation.PersonRegistered": "Person registrerad",
    "Organisation.PersonProfileChanged": "Personuppgifter rättade",
    "Organisation.PersonProfileErased": "Personuppgifter raderade",
    "Organisation.RoleAssigned": "Roll tilldelad",
    "Organisation.RoleEnded": "Roll avslutad",
    "ReportTemplate.Adopted": "Rapportmall antagen",
    "ReportTemplate.Revised": "Rapportmall reviderad",
    "Delegationsordning.Established": "Delegationsordning fastställd",
    "Delegationsordning.VersionAdopted": "Ny version av delegationsordningen",
    "Delegationsordning.DelegationRevoked": "Delegation återkallad",
    "DelegationLedger.Opened": "Delegationsliggare öppnad",
    "DelegationLedger.JavDeclared": "Jäv anmält",
    "DelegationLedger.AwaitingAnmalan": "Väntar på anmälan",
    "DelegationLedger.AnmalningslistaTaken": "Anmälningslista tagen",
    "DelegationLedger.MatterHandedBack": "Ärende återlämnat",
    "DelegationLedger.MattersPlacedOnArendelista": "Ärenden placerade på ärendelistan",
    "ParagraphRegister.Opened": "Paragrafregister öppnat",
    "ParagraphRegister.Allocated": "Paragraf tilldelad",
    "Delegationsbeslut.Decided": "Delegationsbeslut fattat",
    "Delegationsbeslut.Anslaget": "Delegationsbeslut anslaget",
    "Delegationsbeslut.Overklagat": "Delegationsbeslut överklagat",
    "Delegationsbeslut.LagaKraftVunnen": "Delegationsbeslut har vunnit laga kraft",
    "Delegationsbeslut.PlacedOnAnmalningslista": "Placerat på anmälningslista",
    "Delegationsbeslut.Anmalt": "Anmält till nämnden",
    "Meeting.Scheduled": "Sammanträde planerat",
    "Meeting.ArendeAdded": "Ärende tillagt",
    "Meeting.AnmalningslistaCompiled": "Anmälningslista sammanställd",
    "Meeting.JusterareUtsedd": "Justerare utsedd",
    "Meeting.ProtokollOpened": "Protokoll upprättat",
    "Meeting.ArendeBeslutat": "Ärende beslutat",
    "Meeting.Justerad": "Justerat av en justerare",
    "Meeting.ProtokollJusterat": "Protokoll justerat",
    "Meeting.JusteringReminderSent": "Påminnelse om justering",
    "Meeting.Anslaget": "Protokoll anslaget",
    "Meeting.Expedierat": "Protokoll expedierat",
    "Meeting.TreeHeadRecorded": "Loggens signerade huvud infört i protokollet",
}
CYCLE_STATUS_LABELS = {"open": "Öppen", "underlag_sent": "Underlag skickat",
                       "beslut_recorded": "Beslutad av nämnden", "closed": "Avslutad"}
ITEM_KIND_LABELS = {"mal": "Mål", "arbetsmiljomal": "Arbetsmiljömål",
                    "kritisk_verksamhetsfaktor": "Kritisk verksamhetsfaktor",
                    "internkontroll": "Internkontroll", "uppdrag": "Uppdrag",
                    "sammanfattning": "Sammanfattning", "ekonomi": "Ekonomi",
                    "investeringar": "Investeringar", "verksamhetsplan": "Verksamhetsplan",
                    "internkontrollplan": "Internkontrollplan", "budget": "Budget"}
FIELD_LABELS = {"analys": "Analys", "bedomning": "Bedömning", "motivering": "Motivering",
                "aktiviteter": "Aktiviteter", "resultat": "Resultat",
                "kommentar": "Kommentar", "atgard": "Åtgärd", "status": "Status",
                "prognos": "Prognos", "text": "Text", "sammanfattning": "Sammanfattning",
                "prognosforandring": "Prognosförändring", "risk": "Risk",
                "kontrollmoment": "Vad ska kontrolleras?", "metod": "Metod", "drift": "Drift",
                "investeringar": "Investeringar"}
TASK_LABELS = {"klarmarkera": "Klarmarkera", "attestera": "Attestera"}


def label(labels: dict[str, str]) -> Any:
    return lambda code: labels.get(code, code) if code is not None else ""


def install_filters(env: Any) -> None:
    """Adds ``handelse``, ``cykelstatus``, ``punkttyp``, ``falt`` and ``uppgift``."""
    env.filters["handelse"] = label(EVENT_LABELS)
    env.filters["cykelstatus"] = label(CYCLE_STATUS_LABELS)
    env.filters["punkttyp"] = label(ITEM_KIND_LABELS)
    env.filters["falt"] = label(FIELD_LABELS)
    env.filters["uppgift"] = label(TASK_LABELS)
