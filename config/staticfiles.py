"""The static files of a deploy (DEBUG off): WhiteNoise's compressed files under hashed names,
with the imports between ES modules rewritten to those names too (Django's own rewriting, off by
default). A module then imports the very release of each module it names, which is also what
the page preloads and the service worker keeps; an import left unhashed would load a second
copy of a module, outside the worker's cache and so missing offline."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
