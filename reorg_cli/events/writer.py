"""The events writer: documents (people, units, sources, events) to event-file YAML text.

Importers write through it, so what they write reads back through the strict loader.
"""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
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
