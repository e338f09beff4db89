"""A new event file to fill in: the text ``reorg new`` writes.

The scaffold has the event's id (its date and a slug), every key of the chosen change types
(required ones with a placeholder to replace, optional ones commented out) and a source stub.
"""

from __future__ import annotations

import re
import unicodedata

from reorg_cli.events.dates import WindowKind, parse_window
from reorg_cli.events.fields import ID_RE
from reorg_cli.events.loader import CHANGE_KEYS
from reorg_cli.events.model import UNIT_KINDS
from reorg_cli.events.writer import yaml_scalar

#: Placeholders: valid YAML, and each an error that says what to write.
PLACEHOLDERS = {
    "person": "PERSON-ID  # an id: reorg people (or reorg search NAME) lists them",
    "reports_to": "PERSON-ID  # the boss's id",
    "unit": "UNIT-ID  # an id: reorg units (or reorg search NAME) lists them",
    "parent": "UNIT-ID  # the id of the unit it is under",
    "into": "UNIT-ID  # the id of the unit it was merged into",
    "title": "TITLE",
    "name": "NAME  # the English name",
    "kind": "KIND  # one of: " + ", ".join(UNIT_KINDS),
}
OPTIONAL = {
    "names": "{zh: NAME}  # names in other scripts",
    "head": "true  # the head of the unit",
    "shared": "true  # one of several holders of this title",
    "reason": "REASON",
    "vacancy": "vacant  # or unknown: the role is open or its holder is not known",
}


def slugify(text: str) -> str:
    """``text`` as the slug of an event id: lower-case ASCII letters, digits and ``-``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def date_slug(date: str) -> str:
    """``date`` (a date as files write it) as the start of an event id, the way the bundled
    files are named: ``2026-05-01``, ``2026-05-by`` (by 2026-05), ``2024-03-after`` (after
    2024-03), ``2023-11-2023-11-24`` (between 2023-11 and 2023-11-24), ``unknown``."""
    window = parse_window(date)
    if window.kind is WindowKind.UNKNOWN:
        return "unknown"
    assert window.first is not None
    if window.kind is WindowKind.EXACT:
        return window.first.iso()
    if window.kind is WindowKind.BETWEEN:
        assert window.second is not None
        return f"{window.first.iso()}-{window.second.iso()}"
    return f"{window.first.iso()}-{window.kind.value}"


def event_id(date: str, slug: str) -> str:
    """The id of a new event: its date (:func:`date_slug`), then the slug
    (``2026-05-01-new-cto``, ``2026-05-by-new-cto``)."""
    return f"{date_slug(date)}-{slugify(slug)}"


def _plain_if_id(text: str) -> str:
    """An id as written by hand when it is a valid one (ids need no quotes), else quoted."""
    return text if ID_RE.fullmatch(text) else yaml_scalar(text)


def scaffold(date: str, slug: str, types: list[str], *, title: str | None = None) -> str:
    """The YAML text of a new event file dated ``date`` with changes of ``types``.

    ``date`` must be a date as event files write it (checked here); ``types`` must be change
    types (``KeyError`` otherwise). ``title`` is written as one quoted-where-needed YAML
    scalar (``ValueError`` if it has a line break). The source's ``published`` date is the
    event's when that is one date, else left for the user to write (commented out)."""
    window = parse_window(date)
    published = (
        f"        published: {window.text()}  # when the source was published"
        if window.kind is WindowKind.EXACT
        else "        # published: YYYY-MM-DD  # when the source was published"
    )
    lines = [
        "# A new event: replace the CAPITALS, delete what does not apply, then run",
        "#   reorg validate THIS-FILE",
        "# The format: docs/event-format.md",
        "events:",
        f"  - id: {_plain_if_id(event_id(date, slug))}",
        f"    date: {window.text()}",  # its own syntax: plain YAML the strict loader keeps
        f"    title: {yaml_scalar(title) if title else 'TITLE  # what happened, in a line'}",
        "    confidence: reported  # confirmed (two independent sources), reported, uncertain",
        "    sources:",
        "      - url: https://SOURCE-URL  # a public page that reports it",
        "        publisher: PUBLISHER",
        published,
        "    changes:",
    ]
    for change_type in types:
        required, optional = CHANGE_KEYS[change_type]
        lines.append(f"      - type: {change_type}")
        lines.extend(f"        {key}: {PLACEHOLDERS.get(key, key.upper())}" for key in required)
        lines.extend(
            f"        # {key}: {OPTIONAL.get(key) or PLACEHOLDERS.get(key, key.upper())}"
            for key in optional
        )
    if not types:
        lines[-1] = "    changes: []  # add changes: reorg new --help lists their types"
    return "\n".join(lines) + "\n"
