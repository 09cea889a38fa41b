"""The roles people hold, the chef role of each kind of unit, and the roles' Swedish names.

One table of names: refusals, the dashboard and the delegation register all say
"ledamot i arbetsutskottet" the same way.
"""

from __future__ import annotations

UNIT_KINDS = ("namnd", "forvaltning", "avdelning", "enhet")
CHEF_ROLE_BY_KIND = {
    "forvaltning": "forvaltningschef",
    "avdelning": "avdelningschef",
    "enhet": "enhetschef",
}
ROLES = frozenset({
    "enhetschef", "avdelningschef", "forvaltningschef", "stallforetradande_forvaltningschef",
    "ordforande", "vice_ordforande", "au_ledamot", "ledamot", "ersattare",
    "namndsekreterare", "controller", "revisor", "klk_controller",
})
AU = "au"  # arbetsutskottet, the only group a nämnd may delegate to
ORIGINAL_DELEGATE = "delegat_i_ursprungsarendet"
# Who may open and move cycles, move deadlines and the årsplan's milestones.
CYCLE_ADMIN_ROLES = ("forvaltningschef", "stallforetradande_forvaltningschef", "controller")
SECRETARY_ROLES = ("namndsekreterare", "ordforande")
JUSTERARE_ROLES = ("vice_ordforande", "au_ledamot", "ledamot", "ersattare")
NAMND_CHAIR_ROLES = ("ordforande", "vice_ordforande")
# Kommunledningskontoret's controllers, in kommunstyrelsen's organisation: they follow every
# nämnd's årsplan and record the kommun's own steps (domain/kommun.py).
KOMMUN_FOLLOWUP_ROLES = ("klk_controller",)

ROLE_LABELS = {
    "enhetschef": "enhetschef",
    "avdelningschef": "avdelningschef",
    "forvaltningschef": "förvaltningschef",
    "stallforetradande_forvaltningschef": "ställföreträdande förvaltningschef",
    "ordforande": "ordförande",
    "vice_ordforande": "vice ordförande",
    "au_ledamot": "ledamot i arbetsutskottet",
    "ledamot": "ledamot",
    "ersattare": "ersättare",
    "namndsekreterare": "nämndsekreterare",
    "controller": "controller",
    "revisor": "revisor",
    "klk_controller": "controller vid kommunledningskontoret",
    "justerare": "justerare",
    "delegat": "delegat",
    "handlaggare": "handläggare",
    "socialsekreterare": "socialsekreterare",
    "bistandshandlaggare": "biståndshandläggare",
    AU: "arbetsutskottet (AU)",
    # The system's roles when it records a fact (Actor.system)
    "workflow": "arbetsflöde",
    "import": "import",
    "arsplan": "årsplanen",
    "anmalan": "anmälan",
    ORIGINAL_DELEGATE: "delegat i ursprungsärendet",
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " "))
