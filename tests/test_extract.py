"""Extraction on saved pages that imitate real college CMSs (VSB, WebPlus, static GBK, JS lists)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from auditor.extract import clean_title, clean_url, decode_html, extract_page, is_attachment_url
from auditor.extract.attachment import filename_from_disposition

FIX = Path(__file__).parent / "fixtures"


def page(name: str, url: str, content_type: str | None = None):
    text, _ = decode_html((FIX / name).read_bytes(), content_type)
    return extract_page(url, text)


def test_gbk_declared_only_in_meta_vsb_article():
    raw = (FIX / "vsb_article_gbk.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is GBK
    text, encoding = decode_html(raw, "text/html")  # header without charset, as the server sent it
    assert encoding == "gb18030"
    sig = extract_page("http://xxgk.xyvtc.test/info/1107/3021.htm", text)
    assert sig.title == "湘岳职业技术学院2020-2021学年信息公开工作年度报告"
    assert sig.html_title.endswith("-信息公开网")
    assert sig.breadcrumb == ["基本信息", "信息公开年度报告"]
    # the page's own date, not the sidebar's 2022-10-12 nor the 报名时间 in the body
    assert sig.published == date(2021, 10, 28)
    assert sig.period is not None and (sig.period.kind, sig.period.start) == ("academic_year", 2020)
    [att] = sig.attachments
    assert att.text == "2020-2021学年信息公开工作年度报告.pdf"
    assert "download.jsp" in att.url and "&amp;" not in att.url
    assert "统计期限" in sig.text and "_showDynClicks" not in sig.text
    assert sig.placeholder is None


def test_gbk_header_that_lies_about_utf8_falls_back_to_meta():
    raw = (FIX / "vsb_article_gbk.html").read_bytes()
    text, encoding = decode_html(raw, "text/html; charset=utf-8")
    assert "信息公开工作年度报告" in text and encoding == "gb18030"


def test_webplus_pdf_player_is_the_document():
    sig = page("webplus_pdf_player.html", "http://zs.xyvtc.test/2022/0526/c2101a3101/page.htm")
    assert sig.title == "湘岳职业技术学院2022年招生章程"
    assert sig.published == date(2022, 5, 26)
    assert sig.breadcrumb == ["招生章程"]
    embeds = [x for x in sig.links if x.context == "embed"]
    assert len(embeds) == 1 and embeds[0].is_attachment
    assert embeds[0].text == "2022年招生章程.pdf"
    assert embeds[0].url.startswith("http://zs.xyvtc.test/_upload/article/files/")
    assert sig.period is not None and sig.period.label == "2022年"


def test_vsb_list_entries_and_reverse_pagination():
    url = "http://www.xyvtc.test/xwzx/xxyw.htm"
    sig = page("vsb_list_reverse.html", url)
    titles = {e.title: e for e in sig.entries}
    assert titles["我校召开2022年招生工作会议"].date == date(2022, 11, 8)
    assert titles["我校召开2022年招生工作会议"].url == "http://www.xyvtc.test/info/1016/5299.htm"
    # a truncated anchor text is replaced by the full title attribute
    assert "我校技能竞赛实训基地工作取得新成效（299）" in titles
    assert titles["学校开展安全教育"].date == date(2022, 10, 30)
    assert "置顶：学校新闻投稿须知" not in titles  # no date: a pinned item, not a dated entry
    hrefs = {x.url for x in sig.links}
    assert {"http://www.xyvtc.test/xwzx/xxyw/19.htm", "http://www.xyvtc.test/xwzx/xxyw/1.htm"} <= hrefs
    assert sig.published is None


def test_directory_table_with_rowspan_and_two_links():
    sig = page("xxgk_directory.html", "http://xxgk.xyvtc.test/xxgkml.htm")
    rows = {r.label: r for r in sig.directory}
    assert rows["办学基本情况"].category == "基本信息" and rows["办学基本情况"].department == "党政办"
    two = rows["信息公开制度、指南、目录、年度报告"]
    assert two.category == "基本信息"
    assert [x.url for x in two.links] == [
        "http://xxgk.xyvtc.test/xxgklm1/jbxx/xxgkzd.htm",
        "http://xxgk.xyvtc.test/xxgklm1/jbxx/xxgkndbg.htm",
    ]
    assert (
        rows["校办企业资产、负债等信息"].links == []
        and rows["校办企业资产、负债等信息"].department == "资产处"
    )
    assert rows["预算信息"].category == "财务、资产及收费信息"
    assert rows["预算信息"].links[0].url == "http://cwc.xyvtc.test/gksx/cwys/index.htm"
    assert rows["毕业生的规模、结构、就业率、就业流向"].links[0].url == "https://www.91job.com/xyvtc/"


def test_list_filled_by_javascript():
    sig = page("jslist.html", "http://jy.xyvtc.test/jyzl/index.html")
    assert [(e.title, e.url, e.date) for e in sig.entries] == [
        (
            "湘岳职业技术学院2020届毕业生就业质量年度报告",
            "http://jy.xyvtc.test/news/2020/1228/4102.html",
            date(2020, 12, 28),
        ),
        ("2019届毕业生就业质量报告", "http://jy.xyvtc.test/news/2019/1230/4001.html", date(2019, 12, 30)),
    ]
    assert {x.context for x in sig.links if "/news/" in x.url} == {"script"}
    assert sig.breadcrumb == ["就业质量年度报告"]


def test_static_gbk_author_line_and_jpg_scan():
    sig = page("static_author_line.html", "http://cwc.xyvtc.test/gksx/cwjs/2022-08-26/3031.html")
    assert sig.title == "关于公布2021年度部门决算的通知"
    assert sig.published == date(2022, 8, 26)
    assert sig.breadcrumb == ["部门决算"]
    assert {x.text for x in sig.attachments} == {"2021年度部门决算公开表.pdf", "决算扫描件（第1页）"}
    assert sig.period is not None and sig.period.label == "2021年度"


def test_split_box_date_and_breadcrumb_variant():
    sig = page("split_box_date.html", "http://xsc.xyvtc.test/info/1/2.htm")
    assert sig.published == date(2026, 5, 20)
    assert sig.breadcrumb == ["规章制度", "学生申诉处理办法"]
    assert sig.title == "学生申诉处理办法"


def test_placeholder_column_is_flagged():
    sig = page("placeholder_column.html", "http://xxgk.xyvtc.test/xxgklm1/cwzc/jzcc.htm")
    assert sig.placeholder == "暂无内容"
    assert sig.breadcrumb == ["财务、资产及收费信息", "受捐赠财产的使用与管理情况"]


def test_undated_article_has_no_date():
    sig = page("undated_article.html", "http://xxgk.xyvtc.test/info/1302/3033.htm")
    assert sig.published is None
    assert sig.title == "校级领导干部因公出国（境）情况"
    assert sig.placeholder is None


@pytest.mark.parametrize(
    "name,target",
    [
        ("redirect_js.html", "http://www.xyvtc.test/index.htm"),
        ("redirect_meta.html", "http://www.xyvtc.test/index.htm"),
    ],
)
def test_js_and_meta_refresh_redirects(name, target):
    assert page(name, "http://www.xyvtc.test/").redirect_to == target


def test_ordinary_page_with_location_in_script_is_not_a_redirect():
    sig = page("vsb_article_gbk.html", "http://xxgk.xyvtc.test/info/1107/3021.htm")
    assert sig.redirect_to is None


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("信息公开年度报告-信息公开网", "信息公开年度报告"),
        ("关于公布2021年度部门决算的通知_财务处", "关于公布2021年度部门决算的通知"),
        ("2022年招生章程 - 湘岳职业技术学院招生信息网", "2022年招生章程"),
        ("学生申诉处理办法 | 学生工作处 - 湘岳职业技术学院", "学生申诉处理办法"),
        ("2021-2022学年信息公开工作年度报告", "2021-2022学年信息公开工作年度报告"),
        ("首页", "首页"),
    ],
)
def test_clean_title(raw, clean):
    assert clean_title(raw) == clean


def test_urls_session_ids_and_attachments():
    assert (
        clean_url("http://www.x.test/info/1016/1.htm;jsessionid=8F3A2B1C#top")
        == "http://www.x.test/info/1016/1.htm"
    )
    assert clean_url("http://www.x.test/a.jsp?sid=abc&id=3") == "http://www.x.test/a.jsp?id=3"
    assert is_attachment_url(
        "http://x.test/system/_content/download.jsp?urltype=news.DownloadAttachUrl&wbfileid=A"
    )
    assert is_attachment_url("http://x.test/docs/2026-04/0123.PDF")
    assert is_attachment_url("http://x.test/files/申请表.doc.doc")
    assert not is_attachment_url("http://x.test/info/1016/1673_1.htm")


def test_content_disposition_names():
    gbk = 'attachment; filename="2022年预算.pdf"'.encode("gbk")
    assert filename_from_disposition(gbk) == "2022年预算.pdf"
    assert filename_from_disposition(b"attachment; filename*=UTF-8''%E9%A2%84%E7%AE%97.xls") == "预算.xls"
    assert filename_from_disposition(b"attachment; filename=report.pdf") == "report.pdf"
    assert filename_from_disposition(None) is None


def test_hanweb_list_records_inside_script_xml():
    sig = page("hanweb_list.html", "http://xxgk.djdx.test/col/col106/index.html")
    assert [(e.title, e.url, e.date) for e in sig.entries] == [
        (
            "东江大学2022-2023学年信息公开年报",
            "http://xxgk.djdx.test/art/2023/10/27/art_106_3011.html",
            date(2023, 10, 27),
        ),
        (
            "东江大学2021-2022学年信息公开年报",
            "http://xxgk.djdx.test/art/2022/10/28/art_106_3012.html",
            date(2022, 10, 28),
        ),
    ]
    assert sig.breadcrumb == ["信息公开年报"]


# ---- what a page is: a list page, an article, and what it holds of its own ------------------------------------------
def test_an_article_with_a_dated_sidebar_box_is_still_an_article():
    sig = page("vsb_article_sidebar.html", "http://xxgk.jjdx.test/info/1301/3012.htm")
    assert sig.title == "2023年度荆江大学校级领导干部社会兼职情况"
    assert sig.listing is False  # the CMS's article body (and its own labelled date)
    assert sig.published == date(2024, 3, 20)
    # the box's links are entries for their targets, not rows of this page
    assert len(sig.entries) == 3 and not sig.rows
    assert sig.content_chars >= 20


def test_an_empty_column_holds_nothing_of_its_own():
    sig = page("vsb_list_empty.html", "http://xxgk.jjdx.test/xxgklm1/cwzc/jzcc.htm")
    assert sig.listing is True and sig.placeholder is None
    assert sig.content_chars < 20 and not sig.entries
    # the left menu's links are kept (some sites put their content in a "left" box); the audit sees that they
    # lead to other columns, not to documents of this one (tests/test_pages_model.py)
    assert [r.title for r in sig.rows] == ["招标采购信息"]


def test_a_placeholder_column_and_a_list_with_undated_rows():
    assert page("placeholder_column.html", "http://xxgk.x.test/c.htm").placeholder == "暂无内容"
    sig = page("vsb_list_reverse.html", "http://www.xyvtc.test/xwzx/xxyw.htm")
    assert sig.listing is True
    assert [r.title for r in sig.rows] == [
        "置顶：学校新闻投稿须知"
    ]  # a pinned row without a date is a row all the same


def test_urls_have_one_spelling():
    assert clean_url("http://CWC.Example.edu.cn") == "http://cwc.example.edu.cn/"
    assert clean_url("http://cwc.example.edu.cn:80/a.htm#top") == "http://cwc.example.edu.cn/a.htm"
    assert clean_url("https://x.edu.cn:443/a;jsessionid=0A1B?b=1") == "https://x.edu.cn/a?b=1"
    assert clean_url("http://x.edu.cn:8080") == "http://x.edu.cn:8080/"


def test_list_rows_in_the_shapes_real_cmss_write_them():
    html = """<html><head><title>荆江大学信息公开网--部门预算</title></head><body>
    <div class="position">您所在的位置：<a href="/">首页</a> » 财务信息 » 部门预算</div>
    <ul class="newslist">
      <li><a href="/info/1/1.htm" title="荆江大学2024年部门预算"><span class="date">2024-04-18</span>荆江大学2024年部门预算</a></li>
      <li><a href="/info/1/2.htm"><em>2023-04-20</em>荆江大学2023年部门预算</a></li>
    </ul>
    <div class="item"><a href="/info/1/3.htm">荆江大学2022年部门预算</a><span>2022-04-19</span></div>
    <div class="tools">发布时间：2024-04-18 <a href="javascript:window.print()">打印</a></div>
    </body></html>"""
    sig = extract_page("http://cwc.jjdx.test/ysgk.htm", html)
    assert sig.breadcrumb == ["财务信息", "部门预算"]
    assert sig.listing is True  # the column's name is one part of <title>, the site's name the other
    assert [(e.title, e.date) for e in sig.entries] == [
        ("荆江大学2024年部门预算", date(2024, 4, 18)),
        ("荆江大学2023年部门预算", date(2023, 4, 20)),
        ("荆江大学2022年部门预算", date(2022, 4, 19)),
    ]


def test_the_pictures_an_article_shows_are_image_links_and_its_furniture_is_not():
    """A 公示 published as photos (VSB's editor uploads them under /__local/): the two pictures in the article body
    are kept as links of context "image" (never crawled, fetched for 公示 only); the site logo in the header,
    a 16-px icon and a GIF in the body are not (auditor/extract/html.py `_pictures`)."""
    text, _ = decode_html((FIX / "vsb_article_gbk.html").read_bytes(), None)
    body = (
        '<div class="v_news_content">'
        '<p style="text-align:center"><img src="/__local/2/3C/67/0ECA91EB691496DFF969E805_0DA9E9D1.png" width="1000"'
        ' alt="名单1"></p><p><img src="/__local/3/FE/C5/5E9C1A6033B03ADEF8DD5BCA_DFE513FA.JPG?v=2" border="0"></p>'
        '<p><img src="/images/icon_pdf.png" width="16" height="16"><img src="/images/line.gif"></p>'
    )
    sig = extract_page(
        "http://xsc.xyvtc.test/info/5103/3001.htm", text.replace('<div class="v_news_content">', body)
    )
    pictures = [(link.url, link.text) for link in sig.links if link.context == "image"]
    assert pictures == [
        ("http://xsc.xyvtc.test/__local/2/3C/67/0ECA91EB691496DFF969E805_0DA9E9D1.png", "名单1"),
        ("http://xsc.xyvtc.test/__local/3/FE/C5/5E9C1A6033B03ADEF8DD5BCA_DFE513FA.JPG?v=2", ""),
    ]
    assert not any(link.is_attachment for link in sig.links if link.context == "image")
