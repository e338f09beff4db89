"""The SQL schema of the compiled store (documented in docs/sqlite.md)."""

from __future__ import annotations

import re

SCHEMA_VERSION = 4

_SCHEMA = """
-- The compiled store of a reorg history (docs/sqlite.md). Days are ordinals (day 1 is
-- 0001-01-01, as Python's date.toordinal); 0 means "no first day", 4000000 "no last day".
-- Confidence ranks: 0 uncertain, 1 reported, 2 confirmed.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE files (position INTEGER PRIMARY KEY, path TEXT NOT NULL);

CREATE TABLE dataset_settings (   -- one row: the `dataset:` mapping and the events' date range
    coverage_end TEXT,           -- as written (NULL: the latest event date)
    stale_after_days INTEGER,    -- NULL: the default, 180
    first_event TEXT, last_event TEXT,  -- the earliest and latest dates the events name
    path TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL  -- where `dataset:` is
);

CREATE TABLE source_records (
    id INTEGER PRIMARY KEY,      -- row id (a source's own id may be missing)
    source_id TEXT,              -- the id given under `sources:`, if any
    url TEXT NOT NULL,
    publisher TEXT,
    published TEXT,
    title TEXT,
    note TEXT
);
CREATE TABLE registered_sources (
    key TEXT PRIMARY KEY,        -- the id under `sources:`
    source INTEGER NOT NULL REFERENCES source_records(id),
    position INTEGER NOT NULL
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    names TEXT NOT NULL,         -- JSON [[lang, name], ...]
    aliases TEXT NOT NULL,       -- JSON [alias, ...]
    description TEXT,
    notes TEXT,
    path TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL,
    position INTEGER NOT NULL
);
CREATE TABLE person_sources (
    person TEXT NOT NULL REFERENCES people(id), position INTEGER NOT NULL,
    source INTEGER NOT NULL REFERENCES source_records(id)
);

CREATE TABLE unit_records (             -- every unit the history creates, and its registry entry
    id TEXT PRIMARY KEY,
    created INTEGER,             -- replay step of its first creation (NULL: described only)
    current_name TEXT,           -- its latest name
    aliases TEXT,                -- JSON, from `units:` (NULL: not described)
    description TEXT,
    notes TEXT,
    path TEXT, line INTEGER, col INTEGER,
    position INTEGER             -- order under `units:`
);
CREATE TABLE unit_sources (
    unit TEXT NOT NULL REFERENCES unit_records(id), position INTEGER NOT NULL,
    source INTEGER NOT NULL REFERENCES source_records(id)
);

CREATE TABLE event_records (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,   -- order as read from the files
    replay INTEGER,              -- step in the replay; NULL when corrected or retracted
    date TEXT NOT NULL,          -- as written: 2026-04, by 2025-06-23, between ... and ...
    date_lo INTEGER NOT NULL, date_hi INTEGER NOT NULL, sort_day INTEGER NOT NULL,
    title TEXT NOT NULL,
    confidence INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    summary TEXT, notes TEXT, announced TEXT,
    corrects TEXT, retracts TEXT,
    corrected_by TEXT, retracted_by TEXT,
    path TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL,
    file_position INTEGER NOT NULL
);
CREATE INDEX events_by_day ON event_records (sort_day, seq, path, file_position);
CREATE INDEX events_by_replay ON event_records (replay);

CREATE TABLE event_sources (
    event TEXT NOT NULL REFERENCES event_records(id), position INTEGER NOT NULL,
    source INTEGER NOT NULL REFERENCES source_records(id),
    PRIMARY KEY (event, position)
) WITHOUT ROWID;
CREATE INDEX event_sources_by_source ON event_sources (source);

CREATE TABLE changes (
    event TEXT NOT NULL REFERENCES event_records(id), position INTEGER NOT NULL,
    type TEXT NOT NULL,          -- unit_created, role_assigned, ...
    person TEXT, unit TEXT, other TEXT,  -- who and what it names (other: parent, into, reports_to)
    fields TEXT NOT NULL,        -- JSON of every field as written
    line INTEGER NOT NULL, col INTEGER NOT NULL,
    refs TEXT,                   -- JSON [[key, line, col], ...]: where each id it names is written
    PRIMARY KEY (event, position)
) WITHOUT ROWID;
CREATE INDEX changes_by_person ON changes (person);
CREATE INDEX changes_by_unit ON changes (unit);
CREATE INDEX changes_by_other ON changes (other);

CREATE TABLE facts (
    id INTEGER PRIMARY KEY,      -- creation order in the replay
    kind TEXT NOT NULL,          -- unit, name, kind, parent, role, vacancy, reporting_line
    person TEXT,                 -- role, reporting_line: whose
    unit TEXT,                   -- unit facts, role, vacancy: which unit
    title TEXT,                  -- role, vacancy: the title
    value TEXT,                  -- name, kind, parent (NULL: top level), vacancy, reports_to
    names TEXT,                  -- name: JSON [[lang, name], ...] of its other names
    head INTEGER, shared INTEGER,  -- role
    start_date TEXT NOT NULL, start_lo INTEGER NOT NULL, start_hi INTEGER NOT NULL,
    start_event TEXT NOT NULL REFERENCES event_records(id), start_step INTEGER NOT NULL,
    start_implied_by TEXT,
    start_confidence INTEGER NOT NULL,
    end_date TEXT, end_lo INTEGER, end_hi INTEGER,
    end_event TEXT REFERENCES event_records(id), end_step INTEGER, end_implied_by TEXT,
    end_confidence INTEGER,
    end_reason TEXT,
    successor TEXT,              -- unit: the unit it was merged into
    last_confirmed TEXT,         -- date of the latest event showing it holds (start or a
    last_confirmed_lo INTEGER, last_confirmed_hi INTEGER,  -- *_confirmed change)
    confirmed_by TEXT,           -- JSON [event id, ...] of confirming events (NULL: none)
    confidence INTEGER NOT NULL  -- the lower of start's and end's
);
CREATE INDEX facts_by_unit ON facts (unit, kind, start_step);
CREATE INDEX facts_by_person ON facts (person, kind, start_step);
CREATE INDEX facts_by_value ON facts (value, kind);
CREATE INDEX facts_by_successor ON facts (successor) WHERE successor IS NOT NULL;
CREATE INDEX facts_by_start_event ON facts (start_event);
CREATE INDEX facts_by_end_event ON facts (end_event) WHERE end_event IS NOT NULL;

-- lookup names, normalized (NFKC, case-folded, without spaces, '-', '_', '.')
CREATE TABLE names (
    what TEXT NOT NULL,          -- person | unit
    key TEXT NOT NULL,
    owner TEXT NOT NULL,
    PRIMARY KEY (what, key, owner)
) WITHOUT ROWID;

CREATE TABLE problems (
    position INTEGER PRIMARY KEY,
    path TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL,
    message TEXT NOT NULL, hint TEXT NOT NULL, severity TEXT NOT NULL
);

-- Readable views: one row per fact or record, ISO dates at their precision plus sortable days.
CREATE VIEW confidence_labels (rank, label) AS
    VALUES (0, 'uncertain'), (1, 'reported'), (2, 'confirmed');

CREATE VIEW roles AS
SELECT f.id AS fact, f.person, p.name AS person_name, f.unit, u.current_name AS unit_name,
       f.title,
       f.head = 1 AS head, f.shared = 1 AS shared,
       f.start_date AS start, ISO(f.start_lo) AS start_first_day,
       ISO(f.start_hi) AS start_last_day, f.start_lo AS start_lo, f.start_hi AS start_hi,
       f.end_date AS "end", ISO(f.end_lo) AS end_first_day, ISO(f.end_hi) AS end_last_day,
       f.end_lo AS end_lo, f.end_hi AS end_hi, f.end_reason,
       f.last_confirmed, f.last_confirmed_lo, f.confirmed_by,
       c.label AS confidence, f.start_event AS event, f.end_event AS end_event
FROM facts f JOIN confidence_labels c ON c.rank = f.confidence
LEFT JOIN people p ON p.id = f.person LEFT JOIN unit_records u ON u.id = f.unit
WHERE f.kind = 'role';

CREATE VIEW reporting_lines AS
SELECT f.id AS fact, f.person, p.name AS person_name, f.value AS reports_to,
       b.name AS reports_to_name,
       f.start_date AS start, ISO(f.start_lo) AS start_first_day,
       ISO(f.start_hi) AS start_last_day, f.start_lo AS start_lo, f.start_hi AS start_hi,
       f.end_date AS "end", ISO(f.end_lo) AS end_first_day, ISO(f.end_hi) AS end_last_day,
       f.end_lo AS end_lo, f.end_hi AS end_hi,
       f.last_confirmed, f.last_confirmed_lo, f.confirmed_by,
       c.label AS confidence, f.start_event AS event, f.end_event AS end_event
FROM facts f JOIN confidence_labels c ON c.rank = f.confidence
LEFT JOIN people p ON p.id = f.person LEFT JOIN people b ON b.id = f.value
WHERE f.kind = 'reporting_line';

CREATE VIEW unit_facts AS
SELECT f.id AS fact, f.kind, f.unit,
       CASE f.kind WHEN 'unit' THEN NULL ELSE f.value END AS value, f.names,
       f.start_date AS start, ISO(f.start_lo) AS start_first_day,
       ISO(f.start_hi) AS start_last_day, f.start_lo AS start_lo, f.start_hi AS start_hi,
       f.end_date AS "end", ISO(f.end_lo) AS end_first_day, ISO(f.end_hi) AS end_last_day,
       f.end_lo AS end_lo, f.end_hi AS end_hi, f.end_reason, f.successor,
       c.label AS confidence, f.start_event AS event, f.end_event AS end_event
FROM facts f JOIN confidence_labels c ON c.rank = f.confidence
WHERE f.kind IN ('unit', 'name', 'kind', 'parent');

CREATE VIEW units AS    -- one row per existence of a unit, with its name then
SELECT f.id AS fact, f.unit,
       (SELECT n.value FROM facts n WHERE n.unit = f.unit AND n.kind = 'name'
        AND n.start_step <= f.start_step ORDER BY n.start_step DESC, n.id DESC LIMIT 1) AS name,
       (SELECT k.value FROM facts k WHERE k.unit = f.unit AND k.kind = 'kind'
        AND k.start_step <= f.start_step ORDER BY k.start_step DESC, k.id DESC LIMIT 1) AS kind,
       f.start_date AS start, ISO(f.start_lo) AS start_first_day,
       ISO(f.start_hi) AS start_last_day, f.start_lo AS start_lo, f.start_hi AS start_hi,
       f.end_date AS "end", ISO(f.end_lo) AS end_first_day, ISO(f.end_hi) AS end_last_day,
       f.end_lo AS end_lo, f.end_hi AS end_hi, f.end_reason, f.successor,
       f.last_confirmed, f.last_confirmed_lo, f.confirmed_by,
       c.label AS confidence, f.start_event AS event, f.end_event AS end_event
FROM facts f JOIN confidence_labels c ON c.rank = f.confidence
WHERE f.kind = 'unit';

CREATE VIEW vacancies AS
SELECT f.id AS fact, f.unit, f.title, f.value AS holder,
       f.start_date AS start, ISO(f.start_lo) AS start_first_day,
       ISO(f.start_hi) AS start_last_day, f.start_lo AS start_lo, f.start_hi AS start_hi,
       f.end_date AS "end", ISO(f.end_lo) AS end_first_day, ISO(f.end_hi) AS end_last_day,
       f.end_lo AS end_lo, f.end_hi AS end_hi,
       c.label AS confidence, f.start_event AS event, f.end_event AS end_event
FROM facts f JOIN confidence_labels c ON c.rank = f.confidence
WHERE f.kind = 'vacancy';

CREATE VIEW events AS
SELECT e.id, e.date, ISO(e.date_lo) AS first_day, ISO(e.date_hi) AS last_day,
       e.date_lo, e.date_hi, e.sort_day, e.title, c.label AS confidence,
       CASE WHEN e.corrected_by IS NOT NULL THEN 'corrected'
            WHEN e.retracted_by IS NOT NULL THEN 'retracted' ELSE 'applied' END AS status,
       e.corrects, e.retracts, e.corrected_by, e.retracted_by, e.summary, e.notes,
       e.path, e.line, e.replay
FROM event_records e JOIN confidence_labels c ON c.rank = e.confidence;

CREATE VIEW sources AS     -- one row per source, with the events citing it
SELECT s.id AS source, s.source_id, s.url, s.publisher, s.published, s.title, s.note,
       (SELECT count(*) FROM event_sources es WHERE es.source = s.id) AS events
FROM source_records s;

CREATE VIEW citations AS   -- one row per source an event cites
SELECT es.event, es.position, s.id AS source, s.source_id, s.url, s.publisher, s.title
FROM event_sources es JOIN source_records s ON s.id = es.source;
"""

#: ISO text of an ordinal day in plain SQL (readable from the sqlite3 shell or Datasette):
#: the Julian day of ordinal 1 (0001-01-01) is 1721425.5; 0 and 4000000 are open ends.
_ISO = r"(CASE WHEN \1 > 0 AND \1 < 4000000 THEN date(\1 + 1721424.5) END)"

#: The statements that create an empty store.
SCHEMA = re.sub(r"ISO\(([\w.]+)\)", _ISO, _SCHEMA)
