"""The audit's model of the crawled pages: for each checklist item, what the pages that name it *are*.

The matcher (auditor.match) finds pages whose own signals name an item. This package decides what they are
and what they hold, before any rule judges a status:

- kind (titles.py): the document itself, a notice or news *about* it, someone else's post, a column (a list
  page), or the 信息公开目录. Only documents are editions; the others are kept as "mentions" and explained.
- A column is evidence through its entries: its list rows and the files it links become documents of the
  item (unless their own title names another item), dated by the list, the page, the file's path or its
  Last-Modified. A column with nothing in it is empty; one whose documents are all dead is broken.
- The 信息公开目录's claims are resolved against what the crawl stored (redirects, files, copies): a target
  that was fetched is judged like any page; one that was not is "cannot verify"; a link to a site's home
  page is not evidence of anything.
- Evidence is ranked: readable first, documents before columns, the item's own kind of document (办法,
  名单 …), the newest edition, the place the school's 目录 names, then similarity.
"""

from auditor.pages.model import ItemPages, PagesModel
from auditor.pages.titles import TitleKind, title_kind

__all__ = ["ItemPages", "PagesModel", "TitleKind", "title_kind"]
