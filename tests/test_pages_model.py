"""The pages model on realistic pages (the builder's VSB, WebPlus, static GBK, JS-list and Drupal markup, with
real titles), one test per class of failure seen on colleges this project did not write (issue 9). Each test
audits a small store built from those pages (tests/sitelet.py) and fails without the behaviour it names."""

from __future__ import annotations

from pathlib import Path

from tests.sitelet import audit, college, write_store

XXGK = {"layout": "vsb", "name": "示例大学信息公开网", "role": "xxgk", "root": "meta"}
VSB = {"xxgk": XXGK}


def col(id: int, slug: str, name: str, articles=None, host: str = "xxgk", **kw):
    return {
        "id": id,
        "host": host,
        "slug": slug,
        "name": name,
        "category": kw.pop("category", "基本信息"),
        "articles": articles or [],
        **kw,
    }


def art(title: str, date: str | None, body: str = "正文内容，详见附件。", **kw):
    return {"title": title, "date": date, "body": body, **kw}


# ---- 1. a notice about a document is not the document ------------------------------------------------------
def test_notices_about_the_annual_report_are_not_editions_of_it(tmp_path):
    data = college(
        [
            col(
                1101,
                "jbxx/ndbg",
                "信息公开年度报告",
                [art("示例大学2022-2023学年信息公开年度报告", "2023-10-27")],
            ),
            col(
                1102,
                "tzgg",
                "通知公告",
                [
                    art("关于征集2023-2024学年信息公开工作年度报告素材的通知", "2024-09-20"),
                    art("学校办公室关于编制2023—2024学年信息公开年度报告的工作提示", "2024-10-08"),
                ],
                category="通知公告",
            ),
        ],
        VSB,
    )
    moe06 = audit(write_store(data, tmp_path), "2024-11-20")["moe-06"]
    assert moe06.status == "late"
    assert all("通知" not in e.title and "工作提示" not in e.title for e in moe06.evidence)
    assert {e.title for e in moe06.mentions} == {
        "关于征集2023-2024学年信息公开工作年度报告素材的通知",
        "学校办公室关于编制2023—2024学年信息公开年度报告的工作提示",
    }
    [finding] = [f for f in moe06.findings if f.rule != "annual_report"]  # its page holds no report text
    assert [f.key for f in moe06.findings if f.rule == "annual_report"] == ["annual_report.unread"]
    assert "2022-2023学年" in finding.message and "示例大学2022-2023学年信息公开年度报告" in finding.message
    assert "不是该事项本身" in finding.message  # the notices are named as set aside


def test_a_forwarded_notice_about_the_budget_is_not_the_budget(tmp_path):
    data = college(
        [
            col(
                3102,
                "bmys",
                "部门预算",
                [
                    art(
                        "示例大学2023年部门预算",
                        "2023-04-21",
                        attachments=[{"name": "示例大学2023年部门预算公开表.pdf"}],
                    )
                ],
                host="cwc",
            ),
            col(
                3105,
                "tzgg",
                "通知公告",
                [
                    art("转发省财政厅关于批复2024年省级部门预算的通知", "2024-03-12"),
                    art("关于做好2025年部门预算编制工作的通知", "2024-10-25"),
                ],
                host="cwc",
            ),
        ],
        {"cwc": {"layout": "static_gbk", "name": "示例大学财务处"}},
    )
    moe19 = audit(write_store(data, tmp_path), "2024-12-10")["moe-19"]
    assert moe19.status == "stale" and moe19.evidence[0].title == "示例大学2023年部门预算"


# ---- 2. a column is evidence through its entries --------------------------------------------------------------
def test_a_column_of_file_links_is_dated_by_the_link_text(tmp_path):
    # VSB rows linking straight to download.jsp files: no article page, no list date
    data = college(
        [
            col(
                3102,
                "ysgk",
                "预算公开",
                host="cwc",
                files=[{"name": "示例大学2024年部门预算.pdf"}, {"name": "示例大学2023年部门预算.pdf"}],
            )
        ],
        {"cwc": {"layout": "vsb", "name": "示例大学计划财务处"}},
    )
    moe19 = audit(write_store(data, tmp_path), "2024-11-20")["moe-19"]
    assert moe19.status == "ok"
    top = moe19.evidence[0]
    assert (
        top.is_file
        and top.title == "示例大学2024年部门预算"
        and top.period_start == 2024
        and top.via == "entry"
    )
    assert "预算公开" in top.explain() and "示例大学2024年部门预算" in top.explain()


def test_a_file_column_dated_only_by_its_upload_path(tmp_path):
    data = college(
        [
            col(
                3003,
                "bmjs",
                "部门决算",
                host="cwc",
                files=[{"name": "部门决算公开.pdf", "path": "/uploadfile/2024/0830/20240830151203.pdf"}],
            )
        ],
        {"cwc": {"layout": "static_gbk", "name": "示例大学财务处"}},
    )
    moe20 = audit(write_store(data, tmp_path), "2024-12-10")["moe-20"]
    top = moe20.evidence[0]
    assert (top.published, top.published_from) == ("2024-08-30", "path")
    assert moe20.status == "ok"  # published 2024-08-30 → covers 2023 (lag 1), due 2024-09-30


def test_one_dated_statistics_column_serves_several_items_through_the_directory(tmp_path):
    data = college(
        [
            col(
                1401,
                "jxzl/bkjxsj",
                "本科教学基本状态数据",
                [
                    art(
                        "示例大学2023-2024学年本科教学基本状态数据",
                        "2024-10-30",
                        "本科生占82%，教授授课比例93%。",
                    ),
                    art("示例大学2022-2023学年本科教学基本状态数据", "2023-11-15"),
                ],
                category="教学质量信息",
            )
        ],
        VSB,
        directory=[
            ["教学质量信息", "本科生占全日制在校生总数的比例、教师数量及结构", "教务处", "xxgk:jxzl/bkjxsj"],
            [
                "教学质量信息",
                "全校开设课程总门数、实践教学学分占总学分比例、选修课学分占总学分比例",
                "教务处",
                "xxgk:jxzl/bkjxsj",
            ],
        ],
    )
    items = audit(write_store(data, tmp_path), "2024-11-20")
    for item_id in ("moe-27", "moe-29"):
        assert items[item_id].status == "ok", item_id
        assert items[item_id].evidence[0].title == "示例大学2023-2024学年本科教学基本状态数据"
        assert items[item_id].evidence[0].claimed  # at the place the school's 目录 names


def test_an_empty_column_without_any_placeholder_is_missing(tmp_path):
    data = college(
        [col(1201, "cwzc/jzcc", "受捐赠财产使用与管理情况", placeholder="", category="财务、资产及收费信息")],
        VSB,
    )
    moe16 = audit(write_store(data, tmp_path), "2024-11-20")["moe-16"]
    assert moe16.status == "missing"
    assert moe16.findings[0].key == "blank_column.empty" and moe16.evidence[0].empty


def test_a_left_menu_does_not_fill_an_empty_column(tmp_path):
    # a saved VSB column page: header, nav, a left menu of sibling columns, breadcrumb, an empty list, pager
    saved = (Path(__file__).parent / "fixtures" / "vsb_list_empty.html").read_text("utf-8")
    data = college(
        [
            col(
                1202,
                "cwzc/zbcg",
                "招标采购信息",
                [art("图书馆2024年中文纸质图书采购项目中标结果公示", "2024-07-02")],
                category="财务、资产及收费信息",
            )
        ],
        VSB,
        directory=[
            ["财务、资产及收费信息", "受捐赠财产的使用与管理情况", "财务处", "xxgk:/xxgklm1/cwzc/jzcc.htm"]
        ],
    )
    items = audit(
        write_store(data, tmp_path, saved={"http://xxgk.sl.test/xxgklm1/cwzc/jzcc.htm": saved}), "2024-11-20"
    )
    assert items["moe-16"].status == "missing" and items["moe-16"].evidence[0].empty


def test_page_furniture_does_not_fill_an_empty_column(tmp_path):
    # every page carries a 'latest' box of dated links ("rightbox"): not the column's entries
    hosts = {"xxgk": {"layout": "drupal", "name": "示例大学信息公开网", "role": "xxgk", "chrome": "heavy"}}
    data = college(
        [
            col(210, "shjz", "校领导社会兼职", placeholder="", category="人事师资信息"),
            col(
                211,
                "zbcg",
                "招标采购",
                [art(f"实验设备采购项目招标公告（第{n}批）", f"2024-0{n}-10") for n in range(1, 7)],
                category="财务、资产及收费信息",
            ),
            col(
                215,
                "jxjbsj",
                "教学基本数据",
                [art("教学基本数据（截止到2024年9月30日）", "2024-10-12")],
                category="教学质量信息",
            ),
        ],
        hosts,
        directory=[
            ["人事师资信息", "校级领导干部社会兼职情况", "组织部", "xxgk:shjz"],
            ["教学质量信息", "本科生占全日制在校生总数的比例、教师数量及结构", "教务处", "xxgk:jxjbsj"],
        ],
    )
    items = audit(write_store(data, tmp_path), "2024-11-20")
    assert items["moe-22"].status == "missing" and items["moe-22"].evidence[0].empty
    assert items["moe-18"].status == "ok"  # the same links, in their own column, still count there
    # a column's newest entry is in the box too: still its own (the page it links to says so in its breadcrumb)
    assert (
        items["moe-27"].status == "ok"
        and items["moe-27"].evidence[0].title == "教学基本数据（截止到2024年9月30日）"
    )


def test_a_column_whose_only_entry_is_dead_is_broken(tmp_path):
    data = college(
        [
            col(
                1702,
                "xwxk/sqdsh",
                "学位授权点审核",
                [art("示例大学学位授权点审核办法", "2021-09-30", status=404)],
                category="学位、学科信息",
            )
        ],
        VSB,
        directory=[
            [
                "学位、学科信息",
                "新增硕士、博士学位授权学科或专业学位授权点审核办法",
                "研究生院",
                "xxgk:xwxk/sqdsh",
            ]
        ],
    )
    moe45 = audit(write_store(data, tmp_path), "2024-11-20")["moe-45"]
    assert moe45.status == "broken"
    [finding] = moe45.findings
    assert finding.key == "broken.entry" and "学位授权点审核" in finding.message and "404" in finding.message


# ---- 3. editions worded differently --------------------------------------------------------------------------
def test_editions_worded_other_than_the_checklist(tmp_path):
    data = college(
        [
            col(
                6102,
                "jyzlbg",
                "就业质量报告",
                [art("示例大学2023届毕业生就业创业质量年度报告", "2023-12-28")],
                host="jy",
                category="教学质量信息",
            ),
            col(
                1403,
                "jxzl/zlbg",
                "本科教学质量报告",
                [art("示例大学2022—2023学年本科教学质量年度报告", "2023-12-26")],
                category="教学质量信息",
            ),
            col(
                1007, "gknb", "信息公开年报", [art("示例大学2023—2024学年信息公开工作情况报告", "2024-10-29")]
            ),
        ],
        {**VSB, "jy": {"layout": "jslist", "name": "示例大学就业信息网"}},
    )
    items = audit(write_store(data, tmp_path), "2024-11-20")
    assert items["moe-33"].status == "ok"
    assert items["moe-35"].status == "ok"
    assert items["moe-06"].status == "ok"


# ---- 4. "could not verify" means it ----------------------------------------------------------------------------
def test_a_directory_link_that_redirects_or_points_at_a_file_was_fetched(tmp_path):
    data = college(
        [
            col(3103, "jsgk", "决算公开", [art("示例大学2022年度部门决算", "2023-08-28")], host="cwc"),
            col(
                3102,
                "bmys",
                "部门预算",
                [
                    art(
                        "示例大学2023年部门预算",
                        "2023-04-21",
                        attachments=[
                            {
                                "name": "示例大学2023年部门预算公开表.pdf",
                                "path": "/uploadfile/2023/0421/20230421093512.pdf",
                            }
                        ],
                    )
                ],
                host="cwc",
            ),
        ],
        {**VSB, "cwc": {"layout": "vsb", "name": "示例大学计划财务处", "root": "302"}},
        directory=[
            ["财务、资产及收费信息", "收支决算总表、收入决算表、支出决算表", "财务处", "cwc:/"],
            [
                "财务、资产及收费信息",
                "收支预算总表、收入预算表、支出预算表",
                "财务处",
                "cwc:/uploadfile/2023/0421/20230421093512.pdf",
            ],
        ],
    )
    items = audit(write_store(data, tmp_path), "2024-11-20")
    assert items["moe-20"].status == "stale"  # its 目录 link (the host, 302 to its home page) was fetched
    assert items["moe-19"].status == "stale"  # its 目录 link is a PDF the crawl checked
    assert not [
        f for it in (items["moe-19"], items["moe-20"]) for f in it.findings if f.rule == "unverifiable"
    ]


def test_an_offsite_directory_link_only_matters_when_nothing_readable_settles_it(tmp_path):
    data = college(
        [
            col(
                4101,
                "jyzc",
                "就业政策",
                [art("示例大学促进毕业生就业创业工作实施办法", "2022-03-18")],
                host="jy",
            )
        ],
        {**VSB, "jy": {"layout": "jslist", "name": "示例大学就业信息网"}},
        directory=[
            [
                "教学质量信息",
                "促进毕业生就业的政策措施和指导服务",
                "招生就业处",
                "jy:jyzc",
                "https://www.91job.com/sl/",
            ],
            [
                "教学质量信息",
                "毕业生的规模、结构、就业率、就业流向",
                "招生就业处",
                "https://www.91job.com/sl/",
            ],
        ],
    )
    items = audit(write_store(data, tmp_path), "2024-11-20")
    # published on-site; the off-site second link does not make it unverifiable
    assert items["moe-31"].status == "ok"
    assert items["moe-32"].status == "inconclusive"


# ---- 5. ranking: the item's own newest document first ------------------------------------------------------------
def test_a_companys_recruitment_post_is_not_the_schools_own(tmp_path):
    data = college(
        [
            col(
                4102,
                "zpxx",
                "招聘信息",
                [art("示例大学2024年公开招聘专任教师公告", "2024-06-11")],
                host="rsc",
            ),
            col(
                6104,
                "qyzp",
                "企业招聘",
                [
                    art("湖北某某光电科技股份有限公司2025届校园招聘简章", "2024-10-15"),
                    art("某某银行湖北省分行2025年校园招聘公告", "2024-09-28"),
                ],
                host="jy",
            ),
        ],
        {
            "rsc": {"layout": "webplus", "name": "示例大学人事处"},
            "jy": {"layout": "jslist", "name": "示例大学就业信息网"},
        },
    )
    moe25 = audit(write_store(data, tmp_path), "2024-11-20")["moe-25"]
    assert moe25.evidence[0].title == "示例大学2024年公开招聘专任教师公告"
    assert {e.kind for e in moe25.mentions} == {"third_party"}


def test_results_before_the_admissions_rules_for_special_admissions(tmp_path):
    data = college(
        [
            col(
                2101,
                "zszc",
                "招生章程",
                [art("示例大学2024年高水平运动队招生简章（补充说明）", "2024-05-10")],
                host="zsb",
                category="招生考试信息",
            ),
            col(
                2103,
                "tslx",
                "特殊类型招生",
                [art("示例大学2024年高水平运动队专项测试合格考生名单公示", "2024-04-20")],
                host="zsb",
                category="招生考试信息",
            ),
        ],
        {"zsb": {"layout": "webplus", "name": "示例大学本科招生网", "hashed": True}},
    )
    moe08 = audit(write_store(data, tmp_path), "2024-11-20")["moe-08"]
    assert moe08.evidence[0].title == "示例大学2024年高水平运动队专项测试合格考生名单公示"


def test_the_rules_of_awards_before_a_list_of_nominees(tmp_path):
    data = college(
        [
            col(
                5101,
                "zzzc",
                "资助政策",
                [art("示例大学本科生奖助学金评定管理办法", "2021-09-01")],
                host="xsc",
            ),
            col(
                5103,
                "tzgg",
                "通知公告",
                [art("示例大学2023-2024学年国家励志奖学金拟推荐名单公示", "2024-10-18")],
                host="xsc",
            ),
        ],
        {"xsc": {"layout": "vsb", "name": "示例大学学生工作部（处）"}},
    )
    moe37 = audit(write_store(data, tmp_path), "2024-11-20")["moe-37"]
    assert moe37.evidence[0].title == "示例大学本科生奖助学金评定管理办法"


def test_the_newest_edition_first_even_when_it_is_only_a_file(tmp_path):
    data = college(
        [
            col(
                2101,
                "zszc",
                "招生章程",
                [art("示例大学2023年普通本科招生章程", "2023-05-30")],
                host="zsb",
                files=[{"name": "示例大学2024年普通本科招生章程.pdf"}],
                category="招生考试信息",
            )
        ],
        {"zsb": {"layout": "vsb", "name": "示例大学本科招生网"}},
    )
    moe07 = audit(write_store(data, tmp_path), "2024-11-20")["moe-07"]
    assert moe07.evidence[0].title == "示例大学2024年普通本科招生章程" and moe07.status == "ok"


# ---- explanations name what decided them ------------------------------------------------------------------------
def test_a_stale_finding_names_the_entry_its_file_and_date(tmp_path):
    data = college(
        [
            col(
                3102,
                "cwys",
                "部门预算",
                [
                    art(
                        "示例大学2021年部门预算",
                        "2022-04-18",
                        attachments=[{"name": "2021年部门预算公开表.pdf"}],
                    )
                ],
                host="cwc",
            )
        ],
        {"cwc": {"layout": "static_gbk", "name": "示例大学财务处"}},
    )
    [finding] = audit(write_store(data, tmp_path), "2023-11-20")["moe-19"].findings
    assert "“示例大学2021年部门预算”（附件 2021年部门预算公开表.pdf，2022-04-18）" in finding.message


# ---- issue 25: classes seen on the held-out colleges lishui and qinling (bench/sites, from real pages) -------
def test_a_column_of_sibling_regulations_ranks_the_one_naming_the_item_first(tmp_path):
    """A 学生工作 › 规章制度 column (real: 四川农业大学 slsd.sicau.edu.cn/info/1048/9128.htm) lists the school's
    student regulations; the newest, 学生管理规定, names none of the items: each item's own regulation comes first."""
    rules = [
        art("示例大学学生管理规定", "2024-09-02", "为规范学生管理，制定本规定。"),
        art("示例大学学生学籍管理规定", "2024-09-01", "学籍管理的入学、注册、考核、转专业和毕业如下。"),
        art("示例大学学生资助工作管理办法", "2023-09-01", "奖学金、助学金、学费减免和勤工助学的申请与管理。"),
        art("示例大学学生违纪处分规定", "2022-09-05", "学生违纪处分的种类和程序如下。"),
    ]
    data = college(
        [col(5101, "gzzd", "规章制度", rules, host="xsc", category="学生管理服务信息")],
        {"xsc": {"layout": "webplus", "name": "示例大学学生工作处"}},
    )
    items = audit(write_store(data, tmp_path), "2024-11-20")
    assert items["moe-36"].evidence[0].title == "示例大学学生学籍管理规定"
    assert items["moe-37"].evidence[0].title == "示例大学学生资助工作管理办法"
    assert items["moe-38"].evidence[0].title == "示例大学学生违纪处分规定"


def test_a_publication_notice_whose_text_is_only_on_the_intranet_is_not_the_document(tmp_path):
    """关于印发《…》的通知 publishes the document when it carries it; one that says the full text is on the school's
    OA system (real wording, e.g. "文件全文请登录OA办公系统查阅") only tells of it: the item stays missing, the
    notice is a mention. The same notice carrying the articles is the document."""
    intranet = "《示例大学学术不端行为调查处理办法》已经校长办公会审议通过，现予印发，请遵照执行。文件全文请在校内办公系统查阅。"
    carried = "第一条 为规范学术不端行为的调查处理，制定本办法。第二条 本办法适用于全校教职工和学生。"
    title = "关于印发《示例大学学术不端行为调查处理办法》的通知"
    for body, status in ((intranet, "missing"), (carried, "ok")):
        data = college([col(1301, "xfjs", "学风建设", [art(title, "2023-12-18", body)])], VSB)
        (tmp_path / status).mkdir()
        moe42 = audit(write_store(data, tmp_path / status), "2024-11-20")["moe-42"]
        assert moe42.status == status, (body, moe42.evidence)
        assert (title in {e.title for e in moe42.mentions}) == (status == "missing")


def test_a_shared_column_that_holds_only_other_items_documents_is_not_this_ones(tmp_path):
    """The 目录 names one 学风建设 column for the 学风建设机构, the 学术规范制度 and the 学术不端行为查处机制 (real
    目录 rows of 信息公开目录 tables share a column so); the column holds the first two only. The third is missing,
    said of that column — not published because its neighbours are."""
    data = college(
        [
            col(
                615,
                "xfjs",
                "学风建设",
                [
                    art("示例大学学风建设委员会", "2022-04-12", "学风建设委员会主任由校长担任。"),
                    art(
                        "示例大学学术道德规范", "2021-06-08", "全体教师和学生应当恪守学术道德，遵守学术规范。"
                    ),
                ],
                category="学风建设信息",
            )
        ],
        VSB,
        directory=[
            ["学风建设信息", "学风建设机构", "科研处", "xxgk:xfjs"],
            ["学风建设信息", "学术规范制度", "科研处", "xxgk:xfjs"],
            ["学风建设信息", "学术不端行为查处机制", "科研处", "xxgk:xfjs"],
        ],
    )
    items = audit(write_store(data, tmp_path), "2024-11-20")
    assert items["moe-40"].status == items["moe-41"].status == "ok"
    assert items["moe-42"].status == "missing"
    assert [f.key for f in items["moe-42"].findings] == ["blank_column.others"]
