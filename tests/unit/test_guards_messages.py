"""What each refusal says, word for word: the wording users read is part of the rule.

Keyed by the guard tables' row ids (test_guards*.py). A changed wording is a change here too.
"""

from __future__ import annotations

import importlib

import pytest

from domain.errors import DomainError
from tests.unit.test_guards import TABLES, Guard

MESSAGES = {
    'report_guards.py:check_new_report:report_unit_kind:namnd_has_no_report':
        "Rapporter finns inte för enhetstyp 'namnd'",
    'report_items.py:check_item_kind:item_kind:open_with_unknown_item_kind':
        "Okänd punkttyp 'okand'; tillåtna: mal, arbetsmiljomal, kritisk_verksamhetsfaktor, "
        'internkontroll, uppdrag, sammanfattning, ekonomi, investeringar, verksamhetsplan, '
        'internkontrollplan, budget',
    'report_guards.py:check_new_report:duplicate_item:same_item_twice':
        "Punkten 'mal' förekommer två gånger",
    'report_guards.py:check_owner:only_unit_chef_reports:klarmarkera_by_another_units_chef':
        'Endast enhetschefen för enh-ekhagen (eller dennes ersättare) får ändra och '
        'klarmarkera rapporten; du agerar som enhetschef för enh-bjorkliden',
    'report_guards.py:check_owner:only_unit_chef_reports:klarmarkera_in_another_role':
        'Endast enhetschefen för enh-ekhagen (eller dennes ersättare) får ändra och '
        'klarmarkera rapporten; du agerar som avdelningschef för enh-ekhagen',
    'unit_report.py:klarmarkera:already_klarmarkerad:klarmarkerad_again':
        'Rapporten är redan klarmarkerad',
    'unit_report.py:klarmarkera:already_klarmarkerad:godkand_klarmarkerad_again':
        'Rapporten är redan klarmarkerad',
    'unit_report.py:klarmarkera:children_must_be_godkanda:a_child_only_klarmarkerad':
        'Kan inte klarmarkera innan alla underliggande enheter är godkända: enh-bjorkliden',
    'unit_report.py:klarmarkera:children_must_be_godkanda:two_children_not_godkanda_named':
        'Kan inte klarmarkera innan alla underliggande enheter är godkända: Björklidens '
        'äldreboende, Ekhagens äldreboende',
    'report_guards.py:check_attester:only_parent_chef_attests:attestera_own_report':
        'Endast avdelningschefen för avd-aldreboende (eller dennes ersättare) får attestera '
        'eller återsända rapporten för enh-ekhagen; du agerar som enhetschef för enh-ekhagen',
    'report_guards.py:check_attester:only_parent_chef_attests:attestera_by_another_avdelning':
        'Endast avdelningschefen för avd-aldreboende (eller dennes ersättare) får attestera '
        'eller återsända rapporten för enh-ekhagen; du agerar som avdelningschef för '
        'avd-kvarboende',
    ('report_guards.py:check_attester:only_parent_chef_attests:attestera_at_the_parent_in_another_role'):
        'Endast avdelningschefen för avd-aldreboende (eller dennes ersättare) får attestera '
        'eller återsända rapporten för enh-ekhagen; du agerar som enhetschef för '
        'avd-aldreboende',
    'report_guards.py:check_attester:only_parent_chef_attests:forvaltning_report_has_no_attester':
        'Rapporten för von-forv attesteras inte i förvaltningen; den lämnas till '
        'kommunledningskontoret',
    'unit_report.py:attestera:attest_requires_klarmarkering:attestera_pagar':
        'Rapporten kan inte godkännas: den är pågår, inte klarmarkerad',
    'unit_report.py:attestera:attest_requires_klarmarkering:attestera_godkand_again':
        'Rapporten kan inte godkännas: den är godkänd, inte klarmarkerad',
    'report_guards.py:check_attester:only_parent_chef_attests:atersand_own_report':
        'Endast avdelningschefen för avd-aldreboende (eller dennes ersättare) får attestera '
        'eller återsända rapporten för enh-ekhagen; du agerar som enhetschef för enh-ekhagen',
    'report_guards.py:check_attester:only_parent_chef_attests:atersand_own_report_named':
        'Endast avdelningschefen för Äldreboende (eller dennes ersättare) får attestera '
        'eller återsända rapporten för Ekhagens äldreboende; du agerar som enhetschef för '
        'Ekhagens äldreboende',
    'unit_report.py:atersand:atersand_requires_klarmarkering:atersand_unstarted':
        'Endast klarmarkerade rapporter kan återsändas',
    'unit_report.py:atersand:atersand_requires_klarmarkering:atersand_pagar':
        'Endast klarmarkerade rapporter kan återsändas',
    'report_guards.py:require_reason:reason_required:atersand_without_reason':
        'En motivering krävs',
    'report_guards.py:check_owner:only_unit_chef_reports:reopen_by_the_attester':
        'Endast enhetschefen för enh-ekhagen (eller dennes ersättare) får ändra och '
        'klarmarkera rapporten; du agerar som avdelningschef för avd-aldreboende',
    'unit_report.py:reopen:reopen_requires_klarmarkering:reopen_godkand':
        'Endast en klarmarkerad (ej godkänd) rapport kan öppnas igen av enheten',
    'unit_report.py:reopen:reopen_requires_klarmarkering:reopen_pagar':
        'Endast en klarmarkerad (ej godkänd) rapport kan öppnas igen av enheten',
    'report_guards.py:require_reason:reason_required:reopen_without_reason':
        'En motivering krävs',
    'unit_report.py:move_deadline:unknown_deadline_kind:unknown_deadline':
        "Okänd tidsgräns 'granskning'",
    'report_guards.py:require_reason:reason_required:move_deadline_without_reason':
        'En motivering krävs',
    'report_guards.py:check_owner:only_unit_chef_reports:change_item_by_the_attester':
        'Endast enhetschefen för enh-ekhagen (eller dennes ersättare) får ändra och '
        'klarmarkera rapporten; du agerar som avdelningschef för avd-aldreboende',
    'report_guards.py:check_owner:only_unit_chef_reports:record_indicator_by_the_attester':
        'Endast enhetschefen för enh-ekhagen (eller dennes ersättare) får ändra och '
        'klarmarkera rapporten; du agerar som avdelningschef för avd-aldreboende',
    'report_guards.py:check_owner:only_unit_chef_reports:set_bedomning_by_the_attester':
        'Endast enhetschefen för enh-ekhagen (eller dennes ersättare) får ändra och '
        'klarmarkera rapporten; du agerar som avdelningschef för avd-aldreboende',
    'report_guards.py:check_owner:only_unit_chef_reports:record_ekonomi_by_the_attester':
        'Endast enhetschefen för enh-ekhagen (eller dennes ersättare) får ändra och '
        'klarmarkera rapporten; du agerar som avdelningschef för avd-aldreboende',
    'report_guards.py:check_editable:reopen_before_edit:change_item_on_klarmarkerad':
        'Rapporten är klarmarkerad: öppna den igen med en motivering innan du ändrar',
    'report_guards.py:check_editable:reopen_before_edit:change_item_on_godkand':
        'Rapporten är godkänd: öppna den igen med en motivering innan du ändrar',
    'report_guards.py:check_editable:reopen_before_edit:record_indicator_on_klarmarkerad':
        'Rapporten är klarmarkerad: öppna den igen med en motivering innan du ändrar',
    'report_guards.py:check_editable:reopen_before_edit:record_indicator_on_godkand':
        'Rapporten är godkänd: öppna den igen med en motivering innan du ändrar',
    'report_guards.py:check_editable:reopen_before_edit:set_bedomning_on_klarmarkerad':
        'Rapporten är klarmarkerad: öppna den igen med en motivering innan du ändrar',
    'report_guards.py:check_editable:reopen_before_edit:set_bedomning_on_godkand':
        'Rapporten är godkänd: öppna den igen med en motivering innan du ändrar',
    'report_guards.py:check_editable:reopen_before_edit:record_ekonomi_on_klarmarkerad':
        'Rapporten är klarmarkerad: öppna den igen med en motivering innan du ändrar',
    'report_guards.py:check_editable:reopen_before_edit:record_ekonomi_on_godkand':
        'Rapporten är godkänd: öppna den igen med en motivering innan du ändrar',
    'report_content.py:change_item:unknown_id:change_unknown_item':
        "Punkten 'okand' finns inte i rapporten",
    'report_items.py:check_field_value:item_field:change_unknown_field':
        "Fältet 'farg' finns inte för mal; tillåtna: analys, bedomning, motivering",
    'report_items.py:check_field_value:item_value:change_to_a_value_off_scale':
        "'Bra' är inte ett giltigt värde för resultat; tillåtna: Genomförd utan "
        'anmärkning/med försumbar anmärkning, Genomförd med anmärkning, Ej utvärderad, '
        'Framflyttad till årsbokslutet',
    'report_content.py:change_item:bedomning_via_assessment:bedomning_as_a_plain_field':
        'Bedömningen sätts med förslaget från nyckeltalen och, vid avvikelse, en motivering',
    'report_content.py:change_item:bedomning_via_assessment:motivering_as_a_plain_field':
        'Bedömningen sätts med förslaget från nyckeltalen och, vid avvikelse, en motivering',
    'report_content.py:_goal_item:unknown_id:indicator_on_unknown_item':
        "Punkten 'okand' finns inte i rapporten",
    'report_content.py:_goal_item:unknown_id:bedomning_on_unknown_item':
        "Punkten 'okand' finns inte i rapporten",
    'content/goals.py:check_goal_kind:goal_item:indicator_on_internkontroll':
        "Punkten 'ik' är inget mål: nyckeltal och bedömning hör till mål och arbetsmiljömål",
    'content/goals.py:check_goal_kind:goal_item:bedomning_on_internkontroll':
        "Punkten 'ik' är inget mål: nyckeltal och bedömning hör till mål och arbetsmiljömål",
    'content/indicators.py:indicator_from_dict:indicator_name:record_an_unnamed_indicator':
        'Indikatorn saknar namn',
    ('content/goals.py:decide_bedomning:override_requires_motivering:set_bedomning_overriding_without_motivering'):
        "Förslaget utifrån nyckeltalen är 'Ej utvärderad': en annan bedömning kräver en "
        'motivering',
    'content/ekonomi.py:table_from_dict:ekonomi_kind:record_an_unknown_table':
        "Okänd ekonomitabell 'budget'; tillåtna: drift, investeringar",
    'report_facts.py:request_attestation:no_attester:attest_of_the_forvaltning':
        'Förvaltningens rapport attesteras inte i kedjan',
    'report_facts.py:request_attestation:attest_requires_klarmarkering:attest_before_klarmarkering':
        'Attest kan begäras först efter klarmarkering',
    'report_facts.py:request_attestation:attest_requires_klarmarkering:attest_after_godkand':
        'Attest kan begäras först efter klarmarkering',
    'report_template.py:adopt:process_without_own_template:adopt_for_a_process_on_the_default_template':
        "Processen 'delarsbokslut' har ingen egen rapportmall",
    'report_template.py:_check_items:duplicate_item:adopt_with_an_item_twice':
        'Punkter förekommer flera gånger: mal',
    'report_template.py:_check_items:duplicate_item:adopt_with_two_items_twice':
        'Punkter förekommer flera gånger: ik, mal',
    'report_template.py:_check_items:duplicate_item:revise_with_an_item_twice':
        'Punkter förekommer flera gånger: ik',
    'report_items.py:check_item_kind:item_kind:revise_with_an_unknown_kind':
        "Okänd punkttyp 'okand'; tillåtna: mal, arbetsmiljomal, kritisk_verksamhetsfaktor, "
        'internkontroll, uppdrag, sammanfattning, ekonomi, investeringar, verksamhetsplan, '
        'internkontrollplan, budget',
    'cycle.py:open:deadline_missing:forvaltning_missing':
        'Tidsgräns saknas för nivå: forvaltning',
    'cycle.py:open:deadline_missing:two_levels_missing':
        'Tidsgräns saknas för nivå: avdelning, forvaltning',
    'cycle.py:open:deadline_order:avdelning_before_enhet':
        'Tidsgränserna ska komma i ordningen enhet, avdelning, förvaltning',
    'cycle.py:open:cycle_without_units:no_units':
        'Cykeln omfattar inga enheter',
    'cycle.py:open:beslut_before_underlag:beslut_the_day_before_underlag':
        'Nämndens beslut kan inte ligga före underlaget',
    'cycle.py:move_deadline:unknown_level:unknown_level':
        "Okänd nivå 'region'",
    'cycle.py:move_deadline:reason_required:without_reason':
        'En motivering krävs',
    'cycle.py:move_deadline:cycle_closed:after_the_underlag':
        'Cykelns rapportering är redan avslutad',
    'cycle.py:record_beslut:beslut_requires_underlag:beslut_before_underlag':
        'Nämnden kan inte besluta innan underlaget är skickat',
    'cycle.py:record_beslut:beslut_already_recorded:beslut_twice':
        'Beslut är redan fattat',
    'cycle.py:record_beslut:beslut_already_recorded:beslut_after_export':
        'Beslut är redan fattat',
    'cycle.py:record_export:export_requires_beslut:export_of_an_open_cycle':
        'Beslutspaketet kan exporteras först efter beslut',
    'cycle.py:record_export:export_requires_beslut:export_before_beslut':
        'Beslutspaketet kan exporteras först efter beslut',
    'cycle.py:record_export:export_requires_beslut:export_twice':
        'Beslutspaketet kan exporteras först efter beslut',
    'arsplan.py:adopt:duplicate_milestone:same_milestone_twice':
        'Milstolpar förekommer flera gånger: m0',
    'arsplan.py:adopt:duplicate_milestone:two_milestones_twice':
        'Milstolpar förekommer flera gånger: m0, m1',
    'arsplan.py:_check_milestone:milestone_level:unknown_level':
        "x: okänd nivå 'region'",
    'arsplan.py:_check_milestone:milestone_dates:ends_before_start':
        'x: slutdatum 2022-08-01 före startdatum 2022-08-10',
    'arsplan.py:define_cycles:unknown_milestone:cycle_on_an_unknown_milestone':
        'Bokslut: okända milstolpar m9',
    'arsplan.py:define_cycles:unknown_milestone:cycle_on_two_unknown_milestones':
        'Bokslut: okända milstolpar m8, m9',
    'arsplan.py:define_cycles:milestones_per_cycle:cycle_on_four_milestones':
        'Bokslut: en cykel dateras av 5 milstolpar (öppning, enheter, avdelningar, underlag, '
        'beslut)',
    'arsplan.py:move_milestone:unknown_milestone:move_an_unknown_milestone':
        "Milstolpen 'm9' finns inte",
    'arsplan.py:move_milestone:reason_required:move_without_reason':
        'En motivering krävs',
    'arsplan.py:move_milestone:cycle_already_opened:move_a_milestone_of_an_opened_cycle':
        "Milstolpen 'm1' daterar Delårsbokslut 2022, som redan har öppnats; flytta cykelns "
        'tidsgräns i stället (move-cycle-deadline)',
    'arsplan.py:move_milestone:cycle_already_opened:move_a_milestone_of_two_opened_cycles':
        "Milstolpen 'm1' daterar Delårsbokslut 2022, Bokslut 2022, som redan har öppnats; "
        'flytta cykelns tidsgräns i stället (move-cycle-deadline)',
    'arsplan.py:_check_milestone:milestone_dates:move_to_end_before_start':
        'm1: slutdatum 2022-08-19 före startdatum 2022-08-20',
    'arsplan.py:schedule_of:unknown_id:schedule_of_an_unplanned_cycle':
        'Årsplanen 2022 har ingen cykel arsbokslut 2022',
    'organisation.py:add_unit:unit_kind:unknown_unit_kind':
        "Okänd enhetstyp 'kontor'; tillåtna: namnd, forvaltning, avdelning, enhet",
    'organisation.py:add_unit:duplicate_unit:unit_twice':
        "Enheten 'enh-ekhagen' finns redan",
    'organisation.py:add_unit:unknown_id:unknown_parent':
        "Överordnad enhet 'avd-okand' finns inte",
    'organisation.py:register_person:duplicate_person:person_twice':
        "Personen 'anna' finns redan",
    'organisation.py:assign_role:unknown_role:unknown_role':
        "Okänd roll 'chef'",
    'organisation.py:assign_role:unknown_id:unknown_person':
        "Personen 'zelda' finns inte",
    'organisation.py:assign_role:unknown_id:unknown_unit':
        "Enheten 'enh-okand' finns inte",
    'organisation.py:assign_role:duplicate_assignment:assignment_twice':
        "Uppdraget 'a1' finns redan",
    'organisation.py:assign_role:role_dates:ends_before_start':
        'Slutdatum ligger före startdatum',
    'organisation.py:assign_role:substitution_reason:health_reason':
        "Ange skälet till ersättningen som frånvaro eller jäv, inte 'sjukdom': varför någon "
        'är borta (t.ex. sjukdom) registreras inte',
    'organisation.py:_living_person:unknown_id:correct_an_unknown_person':
        "Personen 'zelda' finns inte i VON",
    'organisation.py:_living_person:person_erased:correct_an_erased_person':
        "Personuppgifterna för 'anna' är redan raderade",
    'organisation.py:end_role:unknown_id:end_an_unknown_assignment':
        "Uppdraget 'a99' finns inte",
    'organisation.py:end_role:role_dates:end_before_start':
        'Slutdatum ligger före startdatum',
    'organisation.py:unit:unknown_id:unknown_unit_asked_for':
        "Enheten 'enh-okand' finns inte i VON",
    'authority.py:acting_as:no_such_role:no_unit_above':
        'Ingen avdelningschef finns för denna nivå',
    'authority.py:acting_as:role_not_held:chef_of_another_unit':
        'bertil innehar inte rollen enhetschef för Ekhagens äldreboende den 2022-08-20 '
        '(varken ordinarie eller ersättare)',
    'authority.py:acting_as:role_not_held:vikarie_after_the_substitution':
        'ida innehar inte rollen enhetschef för Ekhagens äldreboende den 2022-08-20 (varken '
        'ordinarie eller ersättare)',
    'authority.py:acting_in_any:role_not_held:no_admin_role':
        'anna har ingen av rollerna förvaltningschef, ställföreträdande förvaltningschef, '
        'controller i VON den 2022-08-20',
    'delegation_rows.py:check_row:anmalan_kind:unknown_anmalan':
        "Rad 2.1.3: okänt anmälningssätt 'kanske'",
    'delegation_rows.py:check_row:ej_delegerbart_arende:non_delegable_row_with_a_delegat':
        'Rad 2.1.3: ärendet får inte delegeras (6 kap. 38 § KL) men har delegat '
        'förvaltningschef',
    'delegation_rows.py:check_row:ej_delegerbart_arende:non_delegable_row_with_two_delegater':
        'Rad 2.1.3: ärendet får inte delegeras (6 kap. 38 § KL) men har delegat '
        'förvaltningschef, arbetsutskottet (AU)',
    'delegation_rows.py:check_row:verkstallighet_ar_inte_delegation:verkstallighet_with_a_delegat':
        'Rad 2.1.3: verkställighet är inte delegering och ska inte ha någon delegat',
    'delegation_rows.py:check_row:delegat_saknas:row_without_delegat':
        'Rad 2.1.3: delegat saknas',
    'delegation_rows.py:check_row:limit_unit_missing:band_without_unit':
        'Rad 3.3.2: beloppsgräns utan enhet (t.ex. timmar per vecka)',
    'delegation_rows.py:_check_alternative:unknown_delegat:unknown_role':
        'Rad 2.1.3: okänd delegat kassor',
    'delegation_rows.py:_check_alternative:unknown_delegat:two_unknown_roles':
        'Rad 2.1.3: okänd delegat kassor, vaktmastare',
    'delegation_rows.py:_check_alternative:delegat_saknas:alternative_without_roles':
        'Rad 2.1.3: delegat saknas',
    'delegation_rows.py:_check_alternative:limits_reversed:band_reversed':
        'Rad 2.1.3 a): gränserna är omkastade',
    'delegation_rows.py:_check_alternative:limits_reversed:band_empty':
        'Rad 2.1.3 a): gränserna är omkastade',
    'delegation_rows.py:_check_alternative:blandad_delegering:elected_with_employed':
        'Rad 2.1.3: blandad delegering (anställd tillsammans med förtroendevald, a) '
        'ordförande och förvaltningschef) är inte tillåten (6 kap. 37 § KL)',
    'delegation_rows.py:_check_alternative:delegering_till_grupp_av_anstallda:group_of_employees':
        'Rad 2.1.3: delegering till en grupp av anställda (a) förvaltningschef och '
        'avdelningschef) är inte tillåten (6 kap. 37 § KL)',
    'delegation_rows.py:_check_alternative:grupp_utan_utskott:elected_group_not_the_au':
        'Rad 2.1.3: förtroendevalda kan bara gemensamt vara delegat som utskott (6 kap. 37 § '
        'KL)',
    ('delegation_rows.py:check_delegable:verkstallighet_ar_inte_delegation:beslut_under_verkstallighet'):
        'Rad 2.1.3 (Beslut om yttrande) är verkställighet, inte delegering (1.9); den '
        'registreras inte som delegationsbeslut',
    'delegation_rows.py:check_delegable:ej_delegerbart_arende:beslut_under_a_non_delegable_row':
        'Rad 2.1.3 (Beslut om yttrande) får inte delegeras (6 kap. 38 § KL); nämnden beslutar',
    ('delegation_rows.py:laglighetsprovning_of:laglighetsprovning_saknas:anmalan_depends_and_neither_row_nor_delegat_says'):
        'Ange om beslutet kan överklagas genom laglighetsprövning (13 kap. KL): beslut enligt '
        'rad 2.1.3, 12 § FL anmäls till nämnden bara om de kan det',
    'delegation.py:adopt_version:duplicate_row:row_twice':
        'Raderna 2.1.3 förekommer flera gånger',
    'delegation.py:adopt_version:duplicate_row:two_rows_twice':
        'Raderna 2.1.3, 3.3.2 förekommer flera gånger',
    'delegation_rows.py:check_row:delegat_saknas:adopt_a_row_without_delegat':
        'Rad 2.1.3: delegat saknas',
    'delegation.py:adopt_version:retroaktiv_delegation:in_force_before_the_beslut':
        'En delegationsordning kan inte gälla före nämndens beslut',
    'delegation.py:adopt_version:version_order:in_force_with_the_last_version':
        'En ny version måste gälla efter version 1 (§ 12, 2022.010 VON, gäller från '
        '2022-03-01)',
    'delegation.py:revoke:unknown_id:revoke_an_unknown_row':
        'Rad 9.9 finns inte i version 1 (§ 12, 2022.010 VON, gäller från 2022-03-01)',
    'delegation.py:version_in_force:ingen_delegationsordning:before_the_first_version':
        'Ingen delegationsordning för VON gällde 2022-02-28',
    'delegation.py:row_in_force:rad_saknas_i_gallande_ordning:row_not_in_the_ordning':
        'Rad 9.9 finns inte i delegationsordningen version 1 (§ 12, 2022.010 VON, gäller '
        'från 2022-03-01)',
    'delegation.py:row_in_force:delegation_aterkallad:revoked_for_every_arende':
        'Delegationen enligt rad 2.1.3 är återkallad från 2022-05-01 (§ 40, 2022.050 VON); '
        'ärendet avgörs av nämnden',
    'delegation.py:row_in_force:delegation_aterkallad:revoked_for_this_arende':
        'Delegationen enligt rad 2.1.3 är återkallad från 2022-05-01 (§ 40, 2022.050 VON); '
        'ärendet avgörs av nämnden',
    ('delegationsbeslut.py:ansla:anslag_kraver_laglighetsprovning:not_appealable_by_laglighetsprovning'):
        'Endast beslut som kan överklagas genom laglighetsprövning (13 kap. KL) anslås (6 '
        'kap. 40 § KL)',
    'delegationsbeslut.py:ansla:redan_anslaget:anslag_twice':
        'Beslutet anslogs redan 2022-10-05',
    'delegationsbeslut.py:ansla:anslag_fore_beslut:anslag_before_the_beslut':
        'Beslutet kan inte anslås före beslutsdagen',
    'delegationsbeslut.py:register_overklagande:ej_anslaget:overklagande_before_anslag':
        'Beslutet är inte anslaget; överklagandetiden har inte börjat (13 kap. 5 § KL)',
    'delegationsbeslut.py:register_overklagande:redan_laga_kraft:overklagande_after_laga_kraft':
        'Beslutet har redan vunnit laga kraft',
    ('delegationsbeslut.py:register_overklagande:overklagande_for_sent:overklagande_the_day_after_the_last_day'):
        'Överklagandet kom in 2022-10-27, efter överklagandetidens sista dag 2022-10-26 (13 '
        'kap. 5 § KL)',
    'delegationsbeslut.py:gain_laga_kraft:ej_anslaget:laga_kraft_without_anslag':
        'Beslutet är inte anslaget',
    'delegationsbeslut.py:gain_laga_kraft:overklagat:laga_kraft_when_overklagat':
        'Beslutet är överklagat (FR 1-22)',
    'delegationsbeslut.py:gain_laga_kraft:overklagandetid_lopande:laga_kraft_on_the_last_day':
        'Överklagandetiden löper till och med 2022-10-26',
    'delegationsbeslut.py:place_on_list:anmals_ej:list_a_beslut_of_a_row_never_anmald':
        'Beslut enligt rad 2.1.3 anmäls inte till nämnden: delegationsordningen anger att '
        'sådana beslut inte anmäls',
    ('delegationsbeslut.py:place_on_list:anmals_ej:list_a_beslut_not_appealable_by_laglighetsprovning'):
        'Beslut enligt rad 2.1.3 anmäls inte till nämnden: sådana beslut anmäls bara när de '
        'kan överklagas genom laglighetsprövning (13 kap. KL), och det kan inte detta',
    ('delegationsbeslut.py:place_on_list:anmals_ej:list_a_beslut_recorded_before_its_rows_anmalan_was_kept'):
        'Beslut enligt rad 2.1.3 anmäls inte till nämnden',
    'delegationsbeslut.py:place_on_list:redan_anmalt:list_twice':
        'Beslutet står redan på en anmälningslista',
    'delegationsbeslut.py:record_anmalt:ej_pa_listan:anmalt_at_another_meeting':
        'Beslutet står inte på detta sammanträdes lista',
    'delegationsbeslut.py:record_anmalt:ej_pa_listan:anmalt_unlisted':
        'Beslutet står inte på detta sammanträdes lista',
    'delegation_ledger.py:declare_jav:jav_grounds_required:jav_without_grounds':
        'Ange grunden för jävet (6 kap. 28 § KL)',
    'delegation_ledger.py:take_for_meeting:redan_anmalt:a_beslut_already_taken':
        '1 beslut står redan på en annan anmälningslista',
    'delegation_ledger.py:hand_back:redan_aterlamnat:hand_back_twice':
        'Ärendet 2022.301 VON är redan återlämnat',
    'delegation_decider.py:decider:jav:jav_declared':
        'fredrik har anmält jäv i ärende 2022.301 VON och får inte besluta (6 kap. 28 § KL); '
        'ärendet ska lämnas över till ersättaren',
    'delegation_decider.py:decider:over_beloppsgrans:over_the_limit':
        'Beslut om 25 timmar per vecka ligger utanför din delegation; rätt delegat är b) '
        'arbetsutskottet (AU) (rad 3.3.2, 9 § 2 LSS)',
    'delegation_decider.py:decider:ej_franvarande:ersattare_without_franvaro':
        'Ersättare får besluta endast när delegaten är frånvarande eller jävig; ange '
        'franvaro: "frånvaro" (utan orsak)',
    'delegation_decider.py:decider:ej_delegat:not_the_delegat':
        'bertil är inte delegat den 2022-10-03 enligt rad 2.1.3, 12 § FL; delegat är '
        'förvaltningschef',
    'delegation_decider.py:decider:ej_delegat:not_one_of_two_delegater':
        'bertil är inte delegat den 2022-10-03 enligt rad 2.1.3, 12 § FL; delegat är '
        'förvaltningschef eller avdelningschef',
    'delegation_decider.py:decider:over_beloppsgrans:ersattare_over_the_limit':
        'Beslut om 25 timmar per vecka ligger utanför din delegation; rätt delegat är b) '
        'arbetsutskottet (AU) (rad 3.3.2, 9 § 2 LSS)',
    'delegation_decider.py:decider:over_beloppsgrans:original_delegat_over_the_limit':
        'Beslut om 25 timmar per vecka ligger utanför din delegation; rätt delegat är b) '
        'arbetsutskottet (AU) (rad 2.1.4, 27 § FL)',
    'meeting.py:schedule:cutoff_before_meeting:cutoff_on_the_meeting_day':
        'Brytdagen för anmälan ska ligga före sammanträdet',
    'meeting.py:_check_dnr:dnr_format:anmalan_dnr_of_another_namnd':
        'Diarienumret 2022.018 KS hör inte till VON (formatet är t.ex. "2022.228 VON")',
    'meeting.py:_check_dnr:dnr_format:dnr_without_namnd':
        'Diarienumret 2022.101 hör inte till VON (formatet är t.ex. "2022.228 VON")',
    'meeting.py:_check_planned:arendelista_last:add_arende_when_held':
        'Sammanträdet är redan hållet; ärendelistan är låst',
    'meeting.py:add_arende:arende_kind:unknown_kind':
        "Okänd ärendetyp 'ovrigt'",
    'meeting.py:add_arende:cykelbeslut_utan_cykel:cykelbeslut_without_cycle':
        'Ett beslut om en cykel måste ange cykeln',
    'meeting.py:add_arende:dubbelt_arende:arende_twice':
        'Ärendet 2022.100 VON står redan på listan',
    'meeting.py:_check_planned:arendelista_last:compile_when_held':
        'Sammanträdet är redan hållet; ärendelistan är låst',
    'meeting.py:_check_planned:arendelista_last:compile_when_held_with_the_anmalan_arende_listed':
        'Sammanträdet är redan hållet; ärendelistan är låst',
    'meeting.py:compile_anmalningslista:lista_redan_sammanstalld:compile_twice':
        'Anmälningslistan är redan sammanställd',
    'meeting.py:designate_justerare:redan_justerat:designate_when_justerat':
        'Protokollet är redan justerat',
    'meeting.py:_check_planned:arendelista_last:open_protokoll_twice':
        'Sammanträdet är redan hållet; ärendelistan är låst',
    'meeting.py:open_protokoll:paragraph_count:more_paragraphs_than_arenden':
        'Antalet paragrafer stämmer inte med ärendelistan',
    'meeting.py:record_beslut:protokoll_ej_oppet:beslut_before_the_meeting':
        'Beslut protokollförs när sammanträdet hålls och före justering',
    'meeting.py:record_beslut:protokoll_ej_oppet:beslut_after_justering':
        'Beslut protokollförs när sammanträdet hålls och före justering',
    'meeting.py:arende:unknown_id:beslut_off_the_list':
        'Ärendet 2022.999 VON står inte på ärendelistan',
    'meeting.py:record_beslut:redan_beslutat:beslut_twice':
        'Ärendet 2022.100 VON är redan beslutat',
    'meeting.py:justera:protokoll_ej_oppet:justera_before_the_meeting_is_held':
        'Endast ett hållet, ojusterat protokoll kan justeras',
    'meeting.py:justera:protokoll_ej_oppet:justera_twice':
        'Endast ett hållet, ojusterat protokoll kan justeras',
    'meeting.py:justera:beslut_saknas:justera_with_an_undecided_arende':
        'Beslut saknas i 2022.100 VON',
    'meeting.py:justera:beslut_saknas:justera_with_two_undecided_arenden':
        'Beslut saknas i 2022.100 VON, 2022.018 VON',
    'meeting.py:justera:ej_justerare:justera_by_someone_not_designated':
        'kalle är inte utsedd justerare',
    'meeting.py:justera:justering_fore_sammantrade:justera_the_day_before':
        'Protokollet kan inte justeras före sammanträdet',
    'meeting.py:record_tree_head:tree_head_at_justering:tree_head_before_justering':
        'Loggens huvud förs in i protokollet vid justering',
    'meeting.py:remind_justering:ingen_justering_vantar:remind_when_justerat':
        'Protokollet väntar inte på justering',
    'meeting.py:ansla:ej_justerat:ansla_before_justering':
        'Endast ett justerat protokoll anslås',
    'meeting.py:ansla:ej_justerat:ansla_twice':
        'Endast ett justerat protokoll anslås',
    'meeting.py:ansla:anslag_fore_justering:anslag_before_the_justering':
        'Anslaget kan inte komma före justeringen',
    'meeting.py:expediera:ej_anslaget:expediera_before_anslag':
        'Protokollet expedieras efter anslag',
    'paragraph_register.py:open:paragraf_start:numbering_from_zero':
        'Paragrafnumreringen börjar på 1 eller senare',
    'paragraph_register.py:allocate:paragraf_ar:meeting_of_another_year':
        'Sammanträdet 2023-01-10 hör inte till år 2022',
    'paragraph_register.py:allocate:paragrafer_redan_tilldelade:same_meeting_twice':
        'Sammanträdet har redan fått sina paragrafer',
    'paragraph_register.py:allocate:paragraf_ordning:an_earlier_meeting_after_a_later':
        'Sammanträdet 2022-09-26 ligger före 2022-09-27, som redan har numrerats; '
        'paragraferna ska löpa i sammanträdesordning',
    'paragraph_register.py:allocate:protokoll_utan_arenden:no_arenden':
        'Protokollet har inga ärenden',
    'content/ekonomi.py:table_from_dict:ekonomi_kind:unknown_table':
        "Okänd ekonomitabell 'resultat'; tillåtna: drift, investeringar",
    'content/ekonomi.py:table_from_dict:ekonomi_column:unknown_column':
        'Okända kolumner: kvartal',
    'content/ekonomi.py:table_from_dict:ekonomi_column:two_unknown_columns':
        'Okända kolumner: kvartal, manad',
    'content/ekonomi.py:table_from_dict:ekonomi_role:unknown_row_role':
        "Raden 'Moms' har okänd roll 'moms' för drift",
    'content/ekonomi.py:table_from_dict:ekonomi_role:drift_role_in_investeringar':
        "Raden 'Personal' har okänd roll 'kostnadsgrupp' för investeringar",
    'content/ekonomi.py:table_from_dict:ekonomi_column:value_in_an_unlisted_column':
        "Raden 'Intäkter' har värden i okända kolumner: prognos",
    'content/ekonomi.py:table_from_dict:ekonomi_column:values_in_two_unlisted_columns':
        "Raden 'Intäkter' har värden i okända kolumner: diff, prognos",
    'content/ekonomi.py:table_from_dict:ekonomi_role:netto_twice':
        'Rollen netto får bara förekomma en gång',
    'content/ekonomi.py:table_from_dict:ekonomi_role:totalt_twice':
        'Rollen totalt får bara förekomma en gång',
    'content/goals.py:check_goal_kind:goal_item:internkontroll_is_no_goal':
        "Punkten 'ik' är inget mål: nyckeltal och bedömning hör till mål och arbetsmiljömål",
    'content/goals.py:decide_bedomning:item_value:no_such_bedomning':
        "'Bra' är ingen bedömning; tillåtna: Ej uppfyllt, Delvis uppfyllt, I hög grad "
        'uppfyllt, Helt uppfyllt, Ej utvärderad',
    'content/goals.py:decide_bedomning:override_requires_motivering:override_without_motivering':
        "Förslaget utifrån nyckeltalen är 'Ej utvärderad': en annan bedömning kräver en "
        'motivering',
    'content/indicators.py:indicator_from_dict:indicator_direction:no_direction':
        "Indikatorn 'Nöjdhet' behöver direction: higher eller lower",
    'content/indicators.py:indicator_from_dict:indicator_direction:unknown_direction':
        "Indikatorn 'Nöjdhet' behöver direction: higher eller lower",
    'content/indicators.py:indicator_from_dict:indicator_direction:neither_name_nor_direction':
        "Indikatorn '?' behöver direction: higher eller lower",
    'content/indicators.py:indicator_from_dict:indicator_direction:higher_but_below_target':
        "Målvärdet '<10' pekar åt fel håll för higher",
    'content/indicators.py:indicator_from_dict:indicator_direction:lower_but_at_least_target':
        "Målvärdet '>=10' pekar åt fel håll för lower",
    'content/indicators.py:indicator_from_dict:indicator_name:no_name':
        'Indikatorn saknar namn',
    'content/indicators.py:indicator_from_dict:indicator_name:name_not_text':
        'Indikatorn saknar namn',
    'content/indicators.py:indicator_from_dict:indicator_period:period_twice':
        "Indikatorn 'Nöjdhet' har samma period två gånger",
    'content/internkontroll.py:riskvarde:riskvarde_scale:sannolikhet_above_4':
        'Sannolikhet ska vara 1–4, inte 5',
    'content/internkontroll.py:riskvarde:riskvarde_scale:konsekvens_below_1':
        'Konsekvens ska vara 1–4, inte 0',
    'content/internkontroll.py:riskvarde:riskvarde_product:product_wrong':
        'Riskvärdet 8 stämmer inte med sannolikhet 2 × konsekvens 3 = 6',
    'content/internkontroll.py:riskvarde:riskvarde_scale:no_product_of_the_scale':
        'Riskvärdet 7 kan inte vara sannolikhet × konsekvens (1–4 vardera)',
    'content/internkontroll.py:riskvarde:riskvarde_product:kontrollpunkt_product_wrong':
        'Riskvärdet 9 stämmer inte med sannolikhet 2 × konsekvens 3 = 6',
    'content/internkontroll.py:kontrollpunkt_from_dict:kontrollpunkt_risk:no_risk':
        'Kontrollpunkten saknar risk',
    'content/internkontroll.py:kontrollpunkt_from_dict:kontrollpunkt_moment:no_kontrollmoment':
        "Risken 'Felaktiga beställningar' har inget kontrollmoment",
    'content/internkontroll.py:kontrollpunkt_from_dict:kontrollpunkt_uppfoljning:no_uppfoljning':
        "Risken 'Felaktiga beställningar': uppföljning ska vara delarsbokslut och/eller "
        'arsbokslut',
    ('content/internkontroll.py:kontrollpunkt_from_dict:kontrollpunkt_uppfoljning:unknown_uppfoljning'):
        "Risken 'Felaktiga beställningar': uppföljning ska vara delarsbokslut och/eller "
        'arsbokslut',
    'content/values.py:parse_figure:figure:a_truth_value':
        'True är inget tal',
    'content/values.py:parse_figure:figure:text_that_is_no_figure':
        "'cirka 12' är inget tal och inget känt tecken för saknat värde",
    'report_items.py:check_item_kind:item_kind:unknown_kind':
        "Okänd punkttyp 'okand'; tillåtna: mal, arbetsmiljomal, kritisk_verksamhetsfaktor, "
        'internkontroll, uppdrag, sammanfattning, ekonomi, investeringar, verksamhetsplan, '
        'internkontrollplan, budget',
    'report_items.py:check_item_kind:item_kind:field_of_an_unknown_kind':
        "Okänd punkttyp 'okand'; tillåtna: mal, arbetsmiljomal, kritisk_verksamhetsfaktor, "
        'internkontroll, uppdrag, sammanfattning, ekonomi, investeringar, verksamhetsplan, '
        'internkontrollplan, budget',
    'report_items.py:check_field_value:item_field:unknown_field':
        "Fältet 'farg' finns inte för mal; tillåtna: analys, bedomning, motivering",
    'report_items.py:check_field_value:item_value:not_text':
        "Fältet 'analys' ska vara text",
    'report_items.py:check_field_value:item_value:text_too_long':
        "Fältet 'analys' är längre än 20000 tecken",
    'report_items.py:check_field_value:item_value:off_the_scale':
        "'Klar' är inte ett giltigt värde för status; tillåtna: Ej påbörjad, Påbörjad, "
        'Väntar, Färdig, Stoppad, Försenad',
    'kommun.py:step_named:unknown_kommun_step:in no plan':
        "Milstolpen 'k-okand' finns inte i någon nämnds årsplan",
    "kommun.py:step_named:not_a_kommun_step:the förvaltning's underlag":
        "Milstolpen 'k-underlag' (förvaltningens underlag till KLK) är inte ett steg för "
        "kommunstyrelsen eller kommunfullmäktige utan för Förvaltning; den följs genom "
        "nämndens cykel",
    'kommun.py:step_named:not_a_kommun_step:a förvaltning milestone':
        "Milstolpen 'f-enheter' (enhetschefer) är inte ett steg för kommunstyrelsen eller "
        "kommunfullmäktige utan för Förvaltning; den följs genom nämndens cykel",
    'kommun.py:record:done_in_future:tomorrow':
        'dialog om delårsbokslut med KSAU: datumet 2022-09-29 har inte inträffat än',
    'kommun.py:already_done:kommun_step_already_done:recorded before':
        'dialog om delårsbokslut med KSAU är redan registrerat som klart den 2022-09-27',
}


def rows() -> list[Guard]:
    return [g for name in TABLES for g in importlib.import_module(name).GUARDS]


@pytest.mark.parametrize("guard", [pytest.param(g, id=g.id) for g in rows()])
def test_the_refusal_says_what_users_read(guard: Guard) -> None:
    subject = guard.arrange()
    with pytest.raises(DomainError) as refused:
        guard.act(subject)
    assert str(refused.value) == MESSAGES[guard.id]


def test_every_message_belongs_to_a_row() -> None:
    assert sorted(MESSAGES) == sorted(g.id for g in rows())
