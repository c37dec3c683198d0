"""The static files of a deploy (config.staticfiles): the imports between ES modules name the
hashed files, so that a module never loads a copy outside the release (and the worker's cache)."""

import re
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from config.staticfiles import StaticFilesStorage

DIARY_STATIC = Path(settings.BASE_DIR) / "diary" / "static"
HASHED = re.compile(r"\.[0-9a-f]{12}\.js$")


def test_it_rewrites_the_imports_between_modules_to_their_hashed_names(tmp_path: Path) -> None:
    source = FileSystemStorage(location=DIARY_STATIC)
    names = sorted(str(path.relative_to(DIARY_STATIC)) for path in (DIARY_STATIC / "diary" / "js").rglob("*.js"))
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    for name in names:  # as collectstatic copies them, before it post-processes
        with source.open(name) as file:
            storage.save(name, file)
    processed = list(storage.post_process({name: (source, name) for name in names}))
    assert not [error for _, _, error in processed if isinstance(error, Exception)]
    quick = (tmp_path / storage.stored_name("diary/js/pwa/quick.js")).read_text(encoding="utf-8")
    imports = re.findall(r'^import [^;]*? from "([^"]+)";$', quick, flags=re.MULTILINE | re.DOTALL)
    assert "./quick/actions.js" not in quick
    assert len(imports) >= 4
    for specifier in imports:
        assert HASHED.search(specifier), specifier
        assert (tmp_path / "diary" / "js" / "pwa" / specifier).resolve().exists(), specifier
