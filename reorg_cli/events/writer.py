"""The events writer: documents (people, units, sources, events) to event-file YAML text.

Importers write through it, so what they write reads back through the strict loader.
"""

from __future__ import annotations

from typing import Any

import yaml

#: libyaml's emitter when PyYAML has it (some ten times faster on a large import), else the
#: pure-Python one; both write the same text for what reorg writes.
_SafeDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_SafeDumper):  # type: ignore[misc]
    """Plain YAML: no anchors or aliases (reorg rejects them), block style for long text."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(document: dict[str, Any], header: str = "") -> str:
    """An event file's text. Strings that YAML 1.1 would read as something else (``NO``,
    ``010``, ``2026-04-08``) are quoted, so reorg's strict loader reads back what was written."""
    body = yaml.dump(
        document,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
    return header + body


def yaml_scalar(value: str) -> str:
    """``value`` as one YAML scalar on one line, quoted where YAML would read it as anything
    but this string (``a: b # c``, ``NO``, ``2026-04-08``, a leading ``-``...).

    Raises ``ValueError`` for text with a line break: it cannot stay on one line."""
    if any(char in value for char in "\n\r\x85\u2028\u2029"):
        raise ValueError("a line break cannot be written on one line")
    text = yaml.dump(
        {"k": value}, Dumper=_Dumper, allow_unicode=True, default_flow_style=False, width=1 << 30
    )
    assert text.startswith("k: ") and text.endswith("\n") and text.count("\n") == 1, text
    return text[3:-1]
