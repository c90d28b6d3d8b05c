"""Nothing leaves the school: Scrapy's cookie middleware asks tldextract whether a cookie's Domain is a public
suffix, and tldextract by default downloads the Public Suffix List from publicsuffix.org (and GitHub) on
first use. A campus server often has no route out, and the audit must request nothing outside
`allowed_domains`: use the snapshot tldextract ships, with no download and no cache written to $HOME."""

from __future__ import annotations

from tldextract import TLDExtract


def use_bundled_suffix_list() -> None:
    from scrapy.downloadermiddlewares import cookies

    cookies._split_domain = TLDExtract(  # type: ignore[attr-defined]
        suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True, include_psl_private_domains=True
    )
