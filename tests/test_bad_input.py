"""Bad input, as a careless admin writes it: one clear message (file, line, fix), exit 2, never a traceback,
never exit 1 — and for the nightly job, before any crawl. A table of cases; each names what it breaks."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from auditor.cli import main
from tests.conftest import run_auditor

SITE = """school: 示例大学
start_urls: [http://127.0.0.1:9/]
allowed_domains: [127.0.0.1]
"""
BOMB = "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, c in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def store_file(folder: Path) -> Path:
    """A real store, to damage."""
    from auditor.store import Store

    path = folder / "good.sqlite"
    with Store(path) as store:
        store.start_run("x", "x", "x", "x", [])
    return path


# (case, files, argv — {d} is the case's folder, expected message fragment)
CASES = [
    (
        "config is a directory",
        {"d/site.yaml": SITE},
        ["audit", "--config", "{d}/d"],
        "这是目录，不是 YAML 文件",
    ),
    (
        "YAML alias bomb",
        {"site.yaml": SITE + BOMB},
        ["audit", "--config", "{d}/site.yaml"],
        "不支持 YAML 别名",
    ),
    (
        "key with console markup",
        {"site.yaml": SITE + "'[bold]x[/bold]': 1\n"},
        ["audit", "--config", "{d}/site.yaml"],
        "未知的键 '[bold]x[/bold]'",
    ),
    (
        "duplicated key",
        {"site.yaml": SITE + "school: 另一所大学\n"},
        ["audit", "--config", "{d}/site.yaml"],
        "site.yaml:4: 键 'school' 出现了两次",
    ),
    (
        "hint keeps its brackets",
        {"site.yaml": "school: x\nallowed_domains: [x.edu.cn]\n"},
        ["audit", "--config", "{d}/site.yaml"],
        "start_urls: [http://www.example.edu.cn/]",
    ),
    (
        "resolve with a non-IP",
        {"site.yaml": SITE + "crawl: {resolve: {127.0.0.1: localhost}}\n"},
        ["audit", "--config", "{d}/site.yaml"],
        "'localhost'（127.0.0.1）不是 IP 地址",
    ),
    (
        "max_seconds: 0",
        {"site.yaml": SITE + "crawl: {max_seconds: 0}\n"},
        ["audit", "--config", "{d}/site.yaml"],
        "'max_seconds' 不能小于 1",
    ),
    (
        "review dated 31 April",
        {
            "site.yaml": SITE,
            "reviews.yaml": "reviews:\n  - {item: moe-16, decision: false_positive, "
            "reviewer: 李四, reason: x, date: 2022-04-31}\n",
        },
        ["audit", "--config", "{d}/site.yaml"],
        "reviews.yaml:2: '2022-04-31' 不是有效的值",
    ),
    (
        "review due in month 13",
        {
            "site.yaml": SITE,
            "reviews.yaml": "reviews:\n  - {item: moe-16, decision: acknowledged, "
            "reviewer: 李四, reason: x, date: 2022-11-01, "
            "due: '2022-13-01'}\n",
        },
        ["audit", "--config", "{d}/site.yaml"],
        "不是日期",
    ),
    (
        "checklist due 02-30",
        {"extra.yaml": "items:\n  - {id: moe-34, renewal: {period: year, due: '02-30'}}\n"},
        ["checklist", "--check", "{d}/extra.yaml"],
        "due '02-30' 不是每年都有的日子",
    ),
    (
        "checklist due 02-29",
        {"extra.yaml": "items:\n  - {id: moe-34, renewal: {period: year, due: '02-29'}}\n"},
        ["checklist", "--check", "{d}/extra.yaml"],
        "due '02-29' 不是每年都有的日子",
    ),
    (
        "--out 是一个文件",
        {"site.yaml": SITE, "out": "x"},
        ["audit", "--config", "{d}/site.yaml", "--out", "{d}/out"],
        "--out 是一个文件",
    ),
    (
        "--out 无法写入",
        {"site.yaml": SITE},
        ["audit", "--config", "{d}/site.yaml", "--out", "/proc/auditor"],
        "--out 无法写入",
    ),
    (
        "store under a regular file",
        {"site.yaml": SITE + "store: afile/auditor.sqlite\n", "afile": "x"},
        ["audit", "--config", "{d}/site.yaml"],
        "存储所在目录 是一个文件",
    ),
    (
        "store is a directory",
        {"site.yaml": SITE + "store: adir\n", "adir/x": "x"},
        ["audit", "--config", "{d}/site.yaml"],
        "不能用作 auditor 的存储",
    ),
    (
        "store is a text file",
        {"site.yaml": SITE + "store: notes.txt\n", "notes.txt": "会议纪要\n" * 200},
        ["audit", "--config", "{d}/site.yaml"],
        "不能用作 auditor 的存储",
    ),
    (
        "diff with one audit number",
        {"site.yaml": SITE},
        ["diff", "--config", "{d}/site.yaml", "1"],
        "请指定两次检查进行比较，而不是 1 次",
    ),
    (
        "exemption of an unknown item",
        {"site.yaml": SITE + "exemptions:\n  moe-17: 无校办企业\n  moe-99x: 无\n"},
        ["audit", "--config", "{d}/site.yaml"],
        "site.yaml:" + str(SITE.count("\n") + 3) + ": 豁免了不存在的事项 'moe-99x'",  # its own line
    ),
    (
        "review of an item the checklist does not have",
        {"site.yaml": SITE},
        [
            "review",
            "moe-99",
            "--config",
            "{d}/site.yaml",
            "--decision",
            "false_positive",
            "--reviewer",
            "李四",
            "--reason",
            "x",
        ],
        "没有事项“moe-99”",
    ),  # fmt: skip
    (
        "a promise's date in Chinese",
        {"site.yaml": SITE},
        [
            "review",
            "moe-16",
            "--config",
            "{d}/site.yaml",
            "--decision",
            "acknowledged",
            "--reviewer",
            "李四",
            "--reason",
            "x",
            "--due",
            "2022年12月1日",
        ],
        "--due: “2022年12月1日”不是日期",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("case", "files", "argv", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_message_and_exit_2(case, files, argv, message, tmp_path, capsys):
    write(tmp_path, files)
    started = time.monotonic()
    code = main([a.replace("{d}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err.replace("\n  → ", " "), err
    assert "Traceback" not in err and time.monotonic() - started < 10


def test_a_damaged_store_is_named_and_kept(tmp_path, capsys):
    good = store_file(tmp_path)
    data = good.read_bytes()
    bad = tmp_path / "auditor.sqlite"
    bad.write_bytes(data[:16] + b"\xff" * 84 + data[100:])  # a damaged header
    (tmp_path / "site.yaml").write_text(SITE, encoding="utf-8")
    before = bad.read_bytes()
    code = main(["audit", "--config", str(tmp_path / "site.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and "不能用作 auditor 的存储" in err and "要新建存储" in err
    assert bad.read_bytes() == before  # kept as it was, for a backup or a forensic look
    shutil.copy(good, bad)
    bad.write_bytes(good.read_bytes()[:2048])  # truncated
    code = main(["audit", "--config", str(tmp_path / "site.yaml")])
    assert code == 2 and "不能用作 auditor 的存储" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("case", "files"),
    [
        ("exemption of an unknown item", {"site.yaml": SITE + "exemptions: {moe-99x: 无}\n"}),
        (
            "duplicated checklist id",
            {
                "site.yaml": SITE + "checklist_extra: [x.yaml]\n",
                "x.yaml": "items:\n  - {id: moe-34, owner: 团委}\n  - {id: moe-34, owner: 艺术中心}\n",
            },
        ),
        ("bad reviews.yaml", {"site.yaml": SITE, "reviews.yaml": "reviews: [{item: moe-16}]\n"}),
    ],
)
@pytest.mark.integration
def test_the_nightly_job_refuses_bad_input_before_crawling(case, files, tmp_path):
    write(tmp_path, files)
    proc = run_auditor("run", "--config", str(tmp_path / "site.yaml"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    store = tmp_path / "auditor.sqlite"
    if store.exists():  # no crawl was started
        with sqlite3.connect(store) as db:
            assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


def test_bad_input_is_said_in_chinese_by_default_and_in_english_when_asked(tmp_path, capsys):
    """Whoever edits site.yaml at a school reads Chinese: the message and its hint, generic (a misspelt key)
    and the file's own (a malformed start URL), are in the command's language (--lang, default zh)."""
    write(
        tmp_path,
        {"site.yaml": SITE + "retention: {keep_run: 7}\n", "url.yaml": SITE.replace("http://", "ftp://")},
    )
    assert main(["audit", "--config", str(tmp_path / "site.yaml")]) == 2
    zh = capsys.readouterr().err
    assert (
        "site.yaml:4: 未知的键 'keep_run'：'retention' 只接受 keep_runs\n  → 是否想写 'keep_runs'？" in zh
    ), zh
    assert main(["audit", "--config", str(tmp_path / "url.yaml")]) == 2
    assert "不是 http(s) 地址\n  → 请写完整地址" in capsys.readouterr().err
    assert main(["audit", "--config", str(tmp_path / "site.yaml"), "--lang", "en"]) == 2
    en = capsys.readouterr().err
    assert "unknown key 'keep_run': 'retention' takes keep_runs only\n  → did you mean 'keep_runs'?" in en, en
