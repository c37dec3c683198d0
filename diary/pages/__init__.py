"""The diary's web pages (server-rendered, see diary/urls.py): accounts and settings, logging an
episode or a check-in, and the history. Each module holds the views of one page family; forms
live beside them; every write goes through diary.services, every read through diary.selectors."""
