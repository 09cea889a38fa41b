"""Activity names: workflows call activities by name so they never import the domain.

The names are in recorded histories: renaming one breaks their replay.
"""

# UnitReportWorkflow
LOAD_REPORT = "load_report"
PLAN_REMINDERS = "plan_reminders"
SEND_REMINDER = "send_reminder"
DEADLINE_PASSED = "deadline_passed"
REQUEST_ATTESTATION = "request_attestation"
RECORD_REMINDERS_SKIPPED = "record_reminders_skipped"
# CycleWorkflow
LOAD_CYCLE = "load_cycle"
LOAD_CYCLE_OUTLINE = "load_cycle_outline"
# AvdelningWorkflow
LOAD_AVDELNING_SHARE = "load_avdelning_share"
SEND_UNDERLAG = "send_underlag"
EXPORT_BESLUT = "export_beslut"
# ArsplanWorkflow
ARSPLAN_OPENINGS = "arsplan_openings"
OPEN_CYCLE = "open_cycle"
# MeetingWorkflow and OverklagandeWorkflow
LOAD_MEETING = "load_meeting"
COMPILE_ANMALNINGSLISTA = "compile_anmalningslista"
REMIND_JUSTERING = "remind_justering"
ANSLA_PROTOKOLL = "ansla_protokoll"
EXPEDIERA_PROTOKOLL = "expediera_protokoll"
RECORD_LAGA_KRAFT = "record_laga_kraft"
