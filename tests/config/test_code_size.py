"""The house's size limits (issue 21): no function over 40 lines and no module over 400 lines in
the apps' code (tests and migrations aside), unless the module's docstring or the function's
says why it is longer ("Over 400 lines ..." / "Over 40 lines ...")."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("config", "conditions", "diary", "tracker")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 40


def _modules() -> list[Path]:
    return sorted(
        path for package in PACKAGES for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts
    )


def _says_why(docstring: str | None, limit: int) -> bool:
    return f"over {limit} lines" in (docstring or "").lower()


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_modules_and_functions_stay_small_or_say_why(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.count("\n")
    assert lines <= MAX_MODULE_LINES or _says_why(ast.get_docstring(tree), MAX_MODULE_LINES), (
        f"{lines} lines: split the module, or say in its docstring why it is over {MAX_MODULE_LINES} lines"
    )
    long = [
        f"{node.name} (line {node.lineno}, {node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
        and not _says_why(ast.get_docstring(node), MAX_FUNCTION_LINES)
    ]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {', '.join(long)}"
