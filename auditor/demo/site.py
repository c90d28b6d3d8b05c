"""Build a fixture college in memory: every URL it serves, with the bytes real CMSs would send.

A college is data (auditor/demo/college.yaml for the demo, bench/sites/*.yaml for the evaluation):
hosts with a CMS layout and a role, columns of articles, news, the 信息公开目录. It is rendered the way
博达 VSB, WebPlus, 大汉 Hanweb, Drupal, static GBK sites and JS-filled lists really do (layouts/, one module
each). The builder also knows the truth about its own site (which URLs are pages, attachments, traps,
robots-disallowed, and which URLs belong to which column), so tests and benchmarks can check a crawl.

This module is the way in; the parts are:
  model.py      Site and Resource: what is served, and the truth about it
  college.py    loading a college's data, its generated news, what is on the site on a given day
  builder.py    Builder: hosts, columns, articles, files, the portal's extras, assembled into a Site
  layouts/      one module per CMS layout: its URLs, page chrome, list pages, article markup
  markup.py     the HTML every layout shares; files.py: attachment bytes and headers
  directory.py  the 信息公开目录 table; trap.py: the endless 校历 calendar
"""

from __future__ import annotations

from auditor.demo.builder import ROBOTS, Builder, build_site
from auditor.demo.college import NEWS_WORDS, load_college
from auditor.demo.files import CTYPES
from auditor.demo.layouts import LAYOUTS
from auditor.demo.model import SITE_MODIFIED, Resource, Site
from auditor.demo.trap import calendar_page

PAGE_SIZE = {name: layout.page_size for name, layout in LAYOUTS.items()}  # list rows per list page
HOME = {name: layout.home for name, layout in LAYOUTS.items()}  # each layout's home page

__all__ = [
    "CTYPES",
    "HOME",
    "LAYOUTS",
    "NEWS_WORDS",
    "PAGE_SIZE",
    "ROBOTS",
    "SITE_MODIFIED",
    "Builder",
    "Resource",
    "Site",
    "build_site",
    "calendar_page",
    "load_college",
]
