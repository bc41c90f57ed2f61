"""The city the platform runs for: one typed configuration, read once.

Every city-specific value lives here with a documented default (Suzhou, the reference city of
``spec/SOURCES.md``). Override them from a YAML file named by ``HEALTHARCHIVE_CITY_FILE`` or one
by one from the environment (``HEALTHARCHIVE_CITY_TIMEZONE=Asia/Urumqi``); the environment wins
over the file, the file over the defaults. ``docs/architecture.md`` lists the fields.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings import YamlConfigSettingsSource as _Yaml

CITY_FILE_ENV = "HEALTHARCHIVE_CITY_FILE"


class City(BaseSettings):
    """City configuration: names and codes, the clock, resource limits, tunable thresholds."""

    model_config = SettingsConfigDict(env_prefix="HEALTHARCHIVE_CITY_", extra="forbid")

    name: str = Field("苏州市", description="the city as addresses write it (stripped from them)")
    province: str = Field("江苏省", description="the province as addresses write it")
    province_code: str = Field("32", description="GB/T 2260 province prefix (2 digits)")
    city_code: str = Field("3205", description="GB/T 2260 city prefix (4 digits)")
    timezone: str = Field(
        "Asia/Shanghai", description="the city's clock: logical dates, deliveries' local times"
    )
    memory_limit: str = Field(
        "4GB",
        description="DuckDB memory limit of linkage and publish; beyond it they spill",
        # the older name of the variable, from when only linkage had a limit
        validation_alias=AliasChoices(
            "memory_limit", "HEALTHARCHIVE_CITY_MEMORY_LIMIT", "HEALTHARCHIVE_LINK_MEMORY_LIMIT"
        ),
    )
    threads: int = Field(2, ge=1, description="DuckDB threads per stage")
    child_max_age_years: int = Field(
        14, ge=1, description="younger than this at the service: compared as a child in linkage"
    )
    stop_names_per_id: int = Field(
        5, ge=2, description="an ID number carried by this many names is a placeholder"
    )
    stop_names_per_phone: int = Field(
        6, ge=2, description="a phone carried by this many names is a shared (office) phone"
    )
    link_auto_merge_weight: float = Field(
        14.0,
        description="two existing residents merge without a reviewer only when a new record "
        "links to both at least this strongly (match weight; 14 ≈ probability 0.99994) and "
        "together they break no constraint; a very large value sends every such bridge to review",
    )
    stop_birth_min_count: int = Field(
        50, ge=1, description="a birth date this frequent (and 20× the average) is a default"
    )
    frontend_connect_timeout_s: float = Field(
        10,
        gt=0,
        description="seconds a hospital front-end database may take to answer a connection",
    )
    frontend_statement_timeout_s: float = Field(
        120, gt=0, description="seconds one front-end query may run before its table is given up"
    )
    frontend_lookback_hours: float = Field(
        24,
        ge=0,
        description="front-end rows stamped up to this long before last night's high-water mark "
        "and not extracted yet (late arrivals) are extracted tonight",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone name
        return value

    @field_validator("province_code")
    @classmethod
    def _two_digits(cls, value: str) -> str:
        if not (len(value) == 2 and value.isdigit()):
            raise ValueError("province_code is the 2-digit GB/T 2260 prefix, e.g. 32")
        return value

    @field_validator("city_code")
    @classmethod
    def _four_digits(cls, value: str) -> str:
        if not (len(value) == 4 and value.isdigit()):
            raise ValueError("city_code is the 4-digit GB/T 2260 prefix, e.g. 3205")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        file = os.environ.get(CITY_FILE_ENV)
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if file:
            if not Path(file).is_file():
                raise FileNotFoundError(f"{CITY_FILE_ENV} names {file}, which is not a file")
            sources.append(_Yaml(settings_cls, yaml_file=file, yaml_file_encoding="utf-8"))
        return tuple(sources)


@cache
def city(**overrides: Any) -> City:
    """The configuration of this run (read once; ``city.cache_clear()`` rereads it)."""
    return City(**overrides)
