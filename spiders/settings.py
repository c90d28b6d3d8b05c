"""Scrapy settings shared by every auditor crawl; per-site values come from site.yaml (auditor.crawl)."""

BOT_NAME = "auditor"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

ROBOTSTXT_OBEY = True
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
METAREFRESH_ENABLED = False  # the spider follows meta-refresh and JS redirects itself, keeping the chain
REDIRECT_MAX_TIMES = 10
HTTPERROR_ALLOWED_CODES = [
    304,
    *range(400, 600),
]  # 304: unchanged since last night; a 404 or 412 is a finding
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
ITEM_PIPELINES = {"spiders.pipelines.StorePipeline": 300}
DOWNLOADER_MIDDLEWARES = {
    "spiders.later.LateRetryMiddleware": 540,  # replaces Scrapy's RetryMiddleware: later tonight, Retry-After
    "spiders.conditional.ConditionalRequestsMiddleware": 560,
    "spiders.redirects.RedirectLogMiddleware": 650,
    "spiders.politeness.SharedPolitenessMiddleware": 950,  # off unless a worker shares politeness over Redis
}
RETRY_ENABLED = False
# Only http(s) is ever requested: without a handler, a file:, ftp:, s3: or data: URL cannot be fetched at all
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
DEPTH_PRIORITY = 1  # breadth-first: a cut-short crawl still covers the top of every host
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Scrapy starts this many asyncio tasks for every response's output (default 100): the store pipeline is
# synchronous, so they only cost time — ~100k tasks per 1,000 pages, the crawl's largest overhead (bench/crawl.py)
CONCURRENT_ITEMS = 4
LOG_LEVEL = "WARNING"
WARN_ON_GENERATOR_RETURN_VALUE = False  # it re-parses the callback's source with ast on every response
