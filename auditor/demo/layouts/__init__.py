"""The CMS layouts a fixture college's hosts are built as (`layout:` in its data), one module each: 博达 VSB,
WebPlus, a static GBK site, JS-filled lists, 大汉 Hanweb, Drupal and a SiteServer-style .shtml CMS."""

from __future__ import annotations

from auditor.demo.layouts.base import Layout, Pages
from auditor.demo.layouts.drupal import Drupal
from auditor.demo.layouts.hanweb import Hanweb
from auditor.demo.layouts.jslist import JsList
from auditor.demo.layouts.siteserver import SiteServer
from auditor.demo.layouts.static_gbk import StaticGbk
from auditor.demo.layouts.vsb import Vsb
from auditor.demo.layouts.webplus import WebPlus

LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (Vsb(), WebPlus(), StaticGbk(), JsList(), Hanweb(), Drupal(), SiteServer())
}

__all__ = ["LAYOUTS", "Layout", "Pages"]
