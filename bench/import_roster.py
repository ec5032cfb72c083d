"""Import a generated 10,000-deputy roster through the CLI's code path; then check that a
file with 3 bad rows lists exactly those rows and imports nothing.

    uv run python bench/import_roster.py [--rows 10000]
    DATABASE_URL=postgres://… uv run python bench/import_roster.py

Ends with: RESULT rows=<n> seconds=<s>
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._setup import setup

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂华建国红梅志玉海燕文斌晓东春立新宏永"
UNITS = ["示例市第一人民医院", "示例市实验中学", "示例市港务集团有限公司", "东湖区人民政府",
         "西山区城关镇人民政府", "示例市农业科学研究院", "示例市律师协会", "南江县红星村委会"]


def write_roster(path: Path, rows: int, delegations: list[str], bad_rows: dict[int, str]
                 ) -> None:
    from openpyxl import Workbook

    from renda.deputies.roster import HEADERS

    rng = random.Random(10_000)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("代表名册")
    ws.append(HEADERS)
    for i in range(rows):
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        name = rng.choice(SURNAMES) + given
        row = [name, rng.choice("男女"), "汉族",
               date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28)),
               rng.choice(["中共党员", "中共党员", "群众", "民盟", "九三学社"]), "大学本科",
               rng.choice(UNITS), "职员", f"15{i:09d}", rng.choice(delegations),
               f"第{i % 90 + 1}选区", "", None, ""]
        excel_row = i + 2
        if excel_row in bad_rows:
            column = bad_rows[excel_row]
            row[HEADERS.index(column)] = {"手机号": "12", "性别": "?", "出生日期": "某天"}[column]
        ws.append(row)
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    where = setup()

    from django.core.management import CommandError, call_command

    from renda.core.models import Congress, Level, Term
    from renda.deputies.models import Delegation, Deputy, Mandate

    congress = Congress.objects.create(name="基准市人民代表大会", level=Level.CITY,
                                       region_code="999900")
    Term.objects.create(congress=congress, number=16, start_date=date(2022, 1, 1),
                        is_current=True)
    delegations = [f"第{i}代表团" for i in range(1, 13)]
    Delegation.objects.bulk_create([Delegation(congress=congress, name=n) for n in delegations])
    tmp = Path(tempfile.mkdtemp(prefix="renda-roster-"))

    good = tmp / "roster.xlsx"
    write_roster(good, args.rows, delegations, {})
    started = time.perf_counter()
    call_command("import_deputies", str(good), congress=congress.pk, no_progress=True,
                 stdout=open("/dev/null", "w"))
    seconds = time.perf_counter() - started
    imported = Mandate.objects.filter(congress=congress).count()
    assert imported == args.rows, f"imported {imported} of {args.rows}"

    bad_rows = {17: "手机号", 2500: "性别", args.rows - 3: "出生日期"}
    bad = tmp / "bad.xlsx"
    write_roster(bad, args.rows, delegations, bad_rows)
    before = Deputy.objects.count()
    from renda.deputies.roster import import_roster

    result = import_roster(str(bad), congress, None)
    reported = sorted({e.row for e in result.errors})
    assert reported == sorted(bad_rows), f"reported rows {reported}, expected {sorted(bad_rows)}"
    assert not result.imported and Deputy.objects.count() == before
    try:
        call_command("import_deputies", str(bad), congress=congress.pk, no_progress=True,
                     stderr=open("/dev/null", "w"))
        raise AssertionError("the CLI accepted a bad file")
    except CommandError:
        pass

    print(f"# {where}")
    print(f"# bad file: rows {reported} reported ({'; '.join(str(e) for e in result.errors)}),"
          " nothing imported")
    print(f"# reproduce: uv run python bench/import_roster.py --rows {args.rows}")
    print(f"RESULT rows={args.rows} seconds={seconds:.2f}")


if __name__ == "__main__":
    main()
