"""The archive document as text for a person reading it in a terminal (rich tables, no colour).

Restricted output: it prints the name, ID number, phone and address, because showing the
archive to an authorised user is the point; every call is in the access audit.
"""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

WIDTH = 110
FLAG_LABELS = {
    "mch": "妇幼",
    "elderly_65_plus": "老年(65+)",
    "hypertension": "高血压",
    "diabetes": "糖尿病",
}
GOLDEN_FIELDS = (
    ("resident_id", "档案号 resident_id"), ("name", "姓名"), ("sex_code", "性别代码"),
    ("birth_date", "出生日期"), ("id_type", "证件类别"), ("id_no", "证件号码"),
    ("id_no_valid", "证件号码校验通过"), ("phone", "联系电话"), ("address", "现住址"),
    ("district_code", "行政区划"), ("district_name", "区县"), ("archive_since", "建档日期"),
)  # fmt: skip


def render_text(archive: dict[str, Any]) -> str:
    """The whole archive: 首页 first, then each WS/T 483 document."""
    out = io.StringIO()
    console = Console(file=out, width=WIDTH, color_system=None, force_terminal=False)
    console.print(f"居民电子健康档案  {archive['resident_id']}  (截至 {archive['as_of']})")
    console.print(_front_page(archive["summary"]))
    console.print(_services(archive["summary"]["services"]))
    for document in archive["documents"]:
        console.print(_document(document))
    return out.getvalue().rstrip() + "\n"


def _front_page(summary: dict[str, Any]) -> Table:
    basic = summary["basic"]
    flags = [label for key, label in FLAG_LABELS.items() if summary["flags"][key]]
    table = Table(title="首页 · 基本信息与健康标识", box=box.SIMPLE_HEAVY, show_header=False)
    table.add_column("item", style="bold")
    table.add_column("value")
    rows = (
        ("姓名", basic["name"]),
        ("性别", basic["sex"]),
        ("出生日期 / 年龄", f"{basic['birth_date'] or '不详'} / {_text(basic['age_years'])}岁"),
        ("证件号码", basic["id_no"]),
        ("联系电话", basic["phone"]),
        ("区县", f"{_text(basic['district_name'])} ({_text(basic['district_code'])})"),
        ("健康标识", "、".join(flags) or "无"),
        ("血型 (CV04.50.005)", "{name} ({code})".format(**summary["blood_type"])),
        ("服务次数", str(summary["service_count"])),
        ("首次 / 最近服务", f"{_time(summary['first_service_time'])} / "
                           f"{_time(summary['last_service_time'])}"),
    )  # fmt: skip
    for label, value in rows:
        table.add_row(label, _text(value))
    return table


def _services(services: list[dict[str, Any]]) -> Table:
    table = Table(title=f"服务记录列表 ({len(services)})", box=box.SIMPLE)
    for name in ("时间", "文档", "机构", "内容"):
        table.add_column(name)
    for s in services:
        table.add_row(
            _time(s["event_time"]), _text(s["document_code"]),
            _text(s["org_name"] or s["org_code"]), _text(s["description"]),
        )  # fmt: skip
    return table


def _document(document: dict[str, Any]) -> Table:
    title = f"{document['code']} {document['name']} ({document['record_count']})"
    if document["code"] == "HSDA00.01":
        table = Table(title=title, box=box.SIMPLE, show_header=False)
        table.add_column("item", style="bold")
        table.add_column("value")
        golden = document["records"][0]
        for key, label in GOLDEN_FIELDS:
            table.add_row(label, _text(golden.get(key)))
        return table
    table = Table(title=title, box=box.SIMPLE)
    for name in ("时间", "机构", "类型", "代码", "内容", "值"):
        table.add_column(name)
    for record in document["records"]:
        _event_row(table, record, "")
        for item in record.get("items", []):
            _event_row(table, item, "  └ ")
    return table


def _event_row(table: Table, event: dict[str, Any], indent: str) -> None:
    value = " ".join(v for v in (event["value"], event["unit"]) if v)
    table.add_row(
        _time(event["event_time"]), _text(event["org_name"] or event["org_code"]),
        indent + event["event_type"], _text(event["code"]), _text(event["description"]), value,
    )  # fmt: skip


def _time(value: str | None) -> str:
    """'2026-01-14T08:00:00+08:00' → '2026-01-14 08:00' (city time)."""
    return "" if value is None else value[:16].replace("T", " ")


def _text(value: Any) -> str:
    return "" if value is None else str(value)
