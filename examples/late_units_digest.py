"""Example worker: a daily digest of late reports ("Försenade rapporter") written to a file.

Run it once a day (cron, a Temporal schedule…)::

    python -m examples.late_units_digest --url http://127.0.0.1:8000 --token TOKEN \\
        --state var/digest-state.json --out var/digests

It catches up with the feed from its consumer position, folds the report events
into a small state file, and writes ``forsenade-<date>.txt``. The state file
remembers the last position it applied, so an event delivered twice after a
crash (handled, not yet acknowledged) is applied once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from feed.client import subscribe
from feed.envelope import EventEnvelope

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CONSUMER = "late-units-digest"
REPORT_EVENTS = ("UnitReport.Opened", "UnitReport.DeadlinePassed", "UnitReport.DeadlineMoved",
                 "UnitReport.Klarmarkerad", "UnitReport.Godkand", "UnitReport.Atersand",
                 "UnitReport.Reopened")


@dataclass
class Report:
    unit_id: str
    namnd_code: str
    deadline: str
    late: bool = False
    done: bool = False


@dataclass
class DigestState:
    position: int = 0
    reports: dict[str, Report] = field(default_factory=dict)

    def apply(self, event: EventEnvelope) -> None:
        if event.position <= self.position:
            return  # applied before a crash, delivered again
        key, payload = str(event.aggregate.id), event.payload
        report = self.reports.get(key)
        if event.type == "UnitReport.Opened":
            self.reports[key] = Report(payload["unit_id"], payload["namnd_code"],
                                       payload["deadline"])
        elif report is not None:
            _fold(report, event.type, payload)
        self.position = event.position

    @classmethod
    def load(cls, path: Path) -> DigestState:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["position"], {k: Report(**v) for k, v in data["reports"].items()})

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")
        os.replace(temporary, path)  # atomic: never a half-written state


def _fold(report: Report, event_type: str, payload: dict[str, object]) -> None:
    if event_type == "UnitReport.DeadlinePassed" and payload["task"] == "klarmarkera":
        report.late = not report.done
    elif event_type == "UnitReport.DeadlineMoved" and payload["deadline_kind"] == "klarmarkering":
        report.deadline, report.late = str(payload["new"]), False
    elif event_type in ("UnitReport.Klarmarkerad", "UnitReport.Godkand"):
        report.done, report.late = True, False
    elif event_type in ("UnitReport.Atersand", "UnitReport.Reopened"):
        report.done = False
        if payload.get("new_deadline"):
            report.deadline = str(payload["new_deadline"])


def render(state: DigestState, today: date) -> str:
    late = sorted((r for r in state.reports.values() if r.late and not r.done),
                  key=lambda r: (r.namnd_code, r.unit_id))
    lines = [f"Försenade rapporter {today.isoformat()}", ""]
    for r in late:
        deadline = datetime.fromisoformat(r.deadline).astimezone(STOCKHOLM).date()
        days = (today - deadline).days
        lines.append(f"- {r.unit_id} ({r.namnd_code}): skulle klarmarkerats senast "
                     f"{deadline.isoformat()}, {days} {'dag' if days == 1 else 'dagar'} sen")
    if not late:
        lines.append("Inga försenade rapporter.")
    return "\n".join(lines) + "\n"


async def write_digest(url: str, token: str, state_path: Path, out_dir: Path,
                       today: date) -> Path:
    state = DigestState.load(state_path)
    async for event in subscribe(url, token, CONSUMER, types=REPORT_EVENTS,
                                 stop_when_caught_up=True):
        state.apply(event)
        state.save(state_path)  # before the client acknowledges it
    return await asyncio.to_thread(_write, out_dir / f"forsenade-{today.isoformat()}.txt",
                                   render(state, today))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--state", type=Path, default=Path("var/digest-state.json"))
    parser.add_argument("--out", type=Path, default=Path("var/digests"))
    args = parser.parse_args()
    today = datetime.now(tz=STOCKHOLM).date()
    print(asyncio.run(write_digest(args.url, args.token, args.state, args.out, today)))


if __name__ == "__main__":
    main()
