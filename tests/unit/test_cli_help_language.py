"""The CLI's help is in one language, English (the dashboard is the users' Swedish
interface): every command's and option's help, listed from the command tree, so a new
command is checked without being named here. Swedish domain terms (klarmarkera, nämnd,
underlag…) are the users' words and stay; Swedish sentences do not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import typer.main

from cli.main import app

# Swedish function words: a help text with one of them is a Swedish sentence.
SWEDISH = re.compile(r"\b(och|att|är|på|för|med|som|inte|eller|till|från|varje|hela|"
                     r"alla|utan|eller|läser|ändrar|visa|skriv|spela|bygg|kör|bara|"
                     r"i stället|ett|det|den)\b", re.IGNORECASE)


# Words with å, ä or ö are Swedish unless they are the users' domain terms.
DOMAIN_TERMS = re.compile(r"(årsplan|nämnd|delårs|förvaltning|återsänd|socialnämnden|"
                          r"ååå|år$|påminnelse|stadsbyggnads|utförare)", re.IGNORECASE)


def _swedish_words(text: str) -> list[str]:
    words = re.findall(r"[\wÅÄÖåäö]*[åäöÅÄÖ][\wÅÄÖåäö]*", text)
    found = [w for w in words if not DOMAIN_TERMS.match(w)]
    if SWEDISH.search(text):
        found.append(SWEDISH.search(text).group(0))  # type: ignore[union-attr]
    return found


def _texts(command: Any, path: str) -> Iterator[tuple[str, str]]:
    if command.help:
        yield path, command.help
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            yield f"{path} {param.name}", text
    # Typer vendors click: its groups are recognised by their commands.
    for name, sub in getattr(command, "commands", {}).items():
        yield from _texts(sub, f"{path} {name}")


def test_every_help_text_is_english() -> None:
    swedish = [f"{where}: {text!r}" for where, text in
               _texts(typer.main.get_command(app), "arsplan") if _swedish_words(text)]
    assert swedish == []


def test_the_check_finds_a_swedish_help_text() -> None:
    assert _swedish_words("Revisorns verktyg: läser historiken, ändrar aldrig")
    assert _swedish_words("Händelsens id")
    assert not _swedish_words("The auditor's tools: they read the record, never change it; "
                              "klarmarkera, the nämnd's underlag, the årsplan and "
                              "delårsbokslut are domain terms")
