"""GE Data Docs for one night, built from the validate stage's stored results, made offline.

``validate_date`` keeps a scrubbed GE validation result per dataset (no row-level lists, no
values of personal columns). This step loads them into an ephemeral context, lets GE's own
site builder render the index, the validation pages and the generated suites, then rewrites
the site so that nothing is fetched from the network (``quality.offline``). The finished site
replaces ``data/reports/data_docs/`` whole; it always shows one night, the one last built.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kernel.atomic import replace_dir
from kernel.layout import Layout
from quality.offline import make_offline
from quality.suites import import_gx

log = logging.getLogger(__name__)
SITE = "healtharchive"


def data_docs_dir(data: Path) -> Path:
    return Layout(data).reports("data_docs")


def _stored_results(data: Path, day: date) -> dict[str, dict[str, Any]]:
    folder = Layout(data).gx_results(day)
    # a night with nothing delivered (a holiday, an outage) validated nothing: its Data Docs
    # are an empty site, and the governance report shows the silence
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))
    }


def _docs_context(site_dir: Path) -> Any:
    gx = import_gx()
    context = gx.get_context(mode="ephemeral")
    context.add_data_docs_site(SITE, {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(site_dir),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })  # fmt: skip
    return context


def _add_night(context: Any, dataset: str, doc: dict[str, Any], day: date) -> None:
    """Store one dataset's result and the suite it ran (rebuilt from the result) in the context."""
    gx = import_gx()
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResultSchema,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    result = ExpectationSuiteValidationResultSchema().load(doc)
    suite = gx.ExpectationSuite(name=dataset)
    for item in doc["results"]:
        config = item["expectation_config"]
        found = ExpectationConfiguration(
            type=config["type"], kwargs=config["kwargs"], meta=config.get("meta")
        )
        suite.add_expectation_configuration(found)
    context.suites.add_or_update(suite)
    run = RunIdentifier(
        run_name=day.isoformat(), run_time=datetime(day.year, day.month, day.day, tzinfo=UTC)
    )
    key = ValidationResultIdentifier(
        ExpectationSuiteIdentifier(name=dataset), run, batch_identifier=dataset
    )
    context.validation_results_store.set(key, result)


def build_data_docs(data: Path, day: date) -> Path:
    """Render night ``day``'s Data Docs into ``data/reports/data_docs``; the index page's path."""
    data = Path(data)
    stored = _stored_results(data, day)
    final = data_docs_dir(data)
    final.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=".data_docs.", dir=final.parent))
    try:
        context = _docs_context(build)
        for dataset, doc in stored.items():
            _add_night(context, dataset, doc, day)
        context.build_data_docs(site_names=[SITE])
        make_offline(build)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    replace_dir(final, build)
    log.info("data docs for %s: %d datasets", day, len(stored))
    return final / "index.html"
