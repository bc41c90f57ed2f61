"""The kernel: what every stage needs and nothing else.

- ``layout``: the data directory — the only code that builds paths under it;
- ``atomic``: writes that land whole or not at all (temporary sibling, then rename);
- ``idno``: GB 11643 resident ID numbers — check character, 15→18, parts, the DuckDB macros;
- ``city``: the typed city configuration (time zone, code prefixes, limits, tunable thresholds);
- ``sql``: literals and the one "current version of a row" rule for the lake;
- ``reporting``: self-contained HTML reports with inline SVG charts.

The kernel imports no other package of the project (import-linter enforces it), so any stage,
the orchestrator, the simulator and the tests can rely on it without cycles.
"""
