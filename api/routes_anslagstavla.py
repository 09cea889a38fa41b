"""The kommun's digital anslagstavla (8 kap. 9 § KL): a public page and an Atom feed.

No sign-in: the law requires the notices to be public. They show what the notice must
say (nämnd, dates, §§ or the delegationsordning's row, where the protokoll or beslut is
kept, the last day to appeal), never a beslut's own text, which may concern a person.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, time

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import event_store, read_side, session_principal
from api.dashboard_base import render
from api.read_access import ReadPolicy, read_policy
from api.read_side import ReadSide
from domain.anslagstavla import PROTOKOLL, Notice, feed_id
from domain.calendar import STOCKHOLM
from infrastructure.eventstore import ArsplanStore
from projections.anslagstavla import anslagstavla
from projections.delegation_register import DelegationRegisterProjection

router = APIRouter(include_in_schema=False)

ATOM = "http://www.w3.org/2005/Atom"
XML = "http://www.w3.org/XML/1998/namespace"
ATOM_MEDIA_TYPE = "application/atom+xml"


def _notices(request: Request, app: ArsplanStore, reads: ReadSide
             ) -> tuple[str, date, list[Notice]]:
    """The nämnd's name, today by the application's clock, and the notices up today."""
    today = app.today()
    # The composition root may name where protokoll are kept; else it follows the organisation.
    setting = getattr(request.app.state, "anslagstavla_forvaring", None)
    org, notices = anslagstavla(app, reads.view(DelegationRegisterProjection),
                                request.app.state.namnd_code, today, setting)
    return org.name, today, notices


@router.get("/anslagstavla", name="anslagstavla")
@read_policy(ReadPolicy.PUBLIC)
def page(request: Request, app: ArsplanStore = Depends(event_store),
         reads: ReadSide = Depends(read_side)) -> HTMLResponse:
    namnd, today, notices = _notices(request, app, reads)
    return render(request, "anslagstavla.html", session_principal(request), namnd=namnd,
                  notices=notices, today=today, PROTOKOLL=PROTOKOLL)


def summary(n: Notice) -> str:
    if n.kind == PROTOKOLL:
        what = f"{n.namnd}, sammanträde {n.beslut_date.isoformat()}"
        what += f", {n.paragraphs}" if n.paragraphs else ""
        kept = "Protokollet förvaras"
    else:
        what = (f"{n.namnd}, delegationsbeslut {n.beslut_date.isoformat()} ({n.arende_ref}, "
                f"punkt {n.arende}, {n.lagrum}, delegat: {n.delegat})")
        kept = "Beslutet förvaras"
    return (f"{what}. Anslaget {n.anslag_date.isoformat()}, sista dag att överklaga "
            f"{n.last_day.isoformat()}, tas ned {n.down_on.isoformat()}. {kept} hos "
            f"{n.forvaring}.")


def _midnight(day: date) -> str:
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).isoformat()


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def atom_feed(namnd_code: str, namnd: str, notices: list[Notice], today: date,
              page_url: str, self_url: str) -> bytes:
    # A literal xmlns: ElementTree's default_namespace refuses unqualified attributes.
    feed = ET.Element("feed", {"xmlns": ATOM, f"{{{XML}}}lang": "sv"})
    _sub(feed, "id", f"urn:uuid:{feed_id(namnd_code)}")
    _sub(feed, "title", f"Anslagstavla – {namnd}")
    _sub(feed, "subtitle", "Justerade protokoll och delegationsbeslut som kan överklagas")
    # The day's list: it changes when a notice goes up or comes down.
    _sub(feed, "updated", _midnight(today))
    _sub(_sub(feed, "author"), "name", namnd)
    _sub(feed, "link", rel="self", type=ATOM_MEDIA_TYPE, href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    for n in notices:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:uuid:{n.notice_id}")
        _sub(entry, "title", n.title)
        _sub(entry, "published", _midnight(n.anslag_date))
        _sub(entry, "updated", _midnight(n.anslag_date))
        _sub(entry, "link", rel="alternate", type="text/html",
             href=f"{page_url}#anslag-{n.notice_id}")
        _sub(entry, "category", term=n.kind)
        _sub(entry, "summary", summary(n), type="text")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


@router.get("/anslagstavla.atom", name="anslagstavla_atom")
@read_policy(ReadPolicy.PUBLIC)
def feed(request: Request, app: ArsplanStore = Depends(event_store),
         reads: ReadSide = Depends(read_side)) -> Response:
    namnd, today, notices = _notices(request, app, reads)
    body = atom_feed(request.app.state.namnd_code, namnd, notices, today,
                     str(request.url_for("anslagstavla")),
                     str(request.url_for("anslagstavla_atom")))
    return Response(body, media_type=ATOM_MEDIA_TYPE)
