"""The generated part of the dbt project is current, and the project reads as the style says."""

from __future__ import annotations

import re

import yaml

from pipelines.publish import properties
from pipelines.publish.dbt_run import PROJECT


def test_the_generated_properties_are_current() -> None:
    # python -m pipelines.publish.properties rewrites them from schemas/, columns.yaml and the SQL
    assert properties.stale() == []


def test_every_model_opens_with_its_rule_and_has_it_as_its_description() -> None:
    rules = properties.model_rules()
    assert len(rules) >= 35 and all(len(rule) > 30 for rule in rules.values())
    described = {}
    for path in (PROJECT / "models").rglob("*.yml"):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            described[model["name"]] = model["description"]
    assert described == {name: f"{{{{ doc('{name}') }}}}" for name in rules}


def test_models_reach_the_lake_and_each_other_only_through_source_and_ref() -> None:
    # a schema-qualified name in a FROM or JOIN would bypass the lineage graph
    bare = re.compile(
        r"(?<!DISTINCT )\b(?:FROM|JOIN)\s+(?!\{\{|\(|[a-z_]+\s+AS\b)([a-z_]+\.[a-z_]+)", re.I
    )
    for path in (PROJECT / "models").rglob("*.sql"):
        sql = re.sub(r"--.*", "", path.read_text(encoding="utf-8"))  # the rule may name tables
        assert not bare.findall(sql), path.name


def test_every_glossary_name_has_a_docs_block() -> None:
    text = (properties.GENERATED / "glossary.md").read_text(encoding="utf-8")
    assert set(re.findall(r"{% docs (\w+) %}", text)) == set(properties.glossary())
