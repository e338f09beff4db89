"""What a Popolo round trip does not keep yet: confirmations and the dataset's settings.

``reorg import popolo`` rebuilds every start and end but not the events that only confirm a
fact (``role_confirmed``...) nor ``dataset.yaml``; so after a round trip, ``last_confirmed``,
``stale``, the status ``stale`` and the document's ``coverage_end`` and ``stale_after_days``
may differ. The round-trip tests compare documents without them.
"""

from __future__ import annotations

from typing import Any

STALENESS_KEYS = ("last_confirmed", "stale")
COVERAGE_KEYS = ("coverage_end", "stale_after_days")


def without_staleness(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a Popolo document from ``reorg export`` without what staleness adds."""
    result = dict(document)
    result["reorg"] = {k: v for k, v in document["reorg"].items() if k not in COVERAGE_KEYS}
    for key in ("memberships", "organizations"):
        records = []
        for record in document[key]:
            extension = {k: v for k, v in record["reorg"].items() if k not in STALENESS_KEYS}
            if extension.get("status") == "stale":
                extension["status"] = "current"
            records.append({**record, "reorg": extension})
        result[key] = records
    persons = []
    for person in document["persons"]:
        extension = person.get("reorg")
        if extension is not None and "reporting_lines" in extension:
            lines = [
                {k: v for k, v in line.items() if k not in STALENESS_KEYS}
                for line in extension["reporting_lines"]
            ]
            person = {**person, "reorg": {**extension, "reporting_lines": lines}}
        persons.append(person)
    result["persons"] = persons
    return result
