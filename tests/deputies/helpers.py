"""Roster files made with openpyxl inside the tests."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook

from renda.deputies.roster import HEADERS


def person(**overrides: Any) -> dict[str, Any]:
    row = {"姓名": "陈晓梅", "性别": "女", "民族": "汉族", "出生日期": "1978-05-06",
           "党派": "中共党员", "学历": "大学本科", "工作单位": "示例市第一人民医院",
           "职务": "主任医师", "手机号": "13800000001", "代表团": "东城区代表团",
           "选区": "第一选区", "代表小组": "医疗卫生行业代表小组", "当选日期": "",
           "简介": "长期从事临床工作。"}
    row.update(overrides)
    return row


def roster_file(rows: list[dict[str, Any]], headers: list[str] | None = None) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "代表名册"
    headers = headers or HEADERS
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer


def people(n: int, start: int = 1) -> list[dict[str, Any]]:
    names = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
    return [person(姓名=f"{names[i % len(names)]}{'明华' if i % 2 else '秀英'}",
                   手机号=f"1380000{start + i:04d}") for i in range(n)]
