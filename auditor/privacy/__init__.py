"""What must not be published (issue 26): personal data found in what the crawl stored, only ever handed on
masked."""
