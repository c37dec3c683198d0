"""The tracker's web pages (see tracker/page_urls.py): the dashboard and the reports page with
the share links. Reads go through tracker's selectors and summaries, writes through its services."""
