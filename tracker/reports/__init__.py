"""Reports: one assembly (`assembly.report_assemble`), many renderers. Each renderer is a
function `render(report, out, progress)` that writes the whole file to the binary stream `out`
and calls `progress(percent)` (0-100) as it goes; the registry below says which module renders
which format, with the file's content type and extension."""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from tracker.reports.assembly import ReportData

Progress = Callable[[int], None]


def no_progress(percent: int) -> None:
    """For a caller that does not follow the build (a share page's PDF, a test)."""


@dataclass(frozen=True)
class Format:
    code: str
    content_type: str
    extension: str
    module: str  # its `render` function builds the file
    suffix: str = ""  # in the file name, before the extension

    def render(self, report: ReportData, out: BinaryIO, progress: Progress = no_progress) -> None:
        renderer: Callable[[ReportData, BinaryIO, Progress], None] = importlib.import_module(self.module).render
        renderer(report, out, progress)

    def file_name(self, report: ReportData) -> str:
        return report.file_name(self.extension, self.suffix)


FORMATS = {
    "pdf": Format("pdf", "application/pdf", "pdf", "tracker.reports.pdf"),
    "csv": Format("csv", "text/csv; charset=utf-8", "csv", "tracker.reports.csv"),
    "json": Format("json", "application/json", "json", "tracker.reports.json"),
    "fhir": Format("fhir", "application/fhir+json", "json", "tracker.reports.fhir", suffix="-fhir"),
}
