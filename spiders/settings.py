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
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_DNS_RESOLVER = "spiders.resolver.PinnedResolver"
ITEM_PIPELINES = {"spiders.pipelines.StorePipeline": 300}
DOWNLOADER_MIDDLEWARES = {
    "spiders.conditional.ConditionalRequestsMiddleware": 560,
    "spiders.redirects.RedirectLogMiddleware": 650,
}
DEPTH_PRIORITY = 1  # breadth-first: a cut-short crawl still covers the top of every host
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
LOG_LEVEL = "WARNING"
WARN_ON_GENERATOR_RETURN_VALUE = False  # it re-parses the callback's source with ast on every response
