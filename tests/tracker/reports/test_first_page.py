"""Page 1 (tracker.reports.first_page) as the PDF prints it: read back with pdftotext, for a
3-month diary that has every element and for an empty one."""

import io
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from diary.services import profile_update
from tests.tracker.reports.conftest import FULL_FROM as FROM
from tests.tracker.reports.conftest import FULL_TO as TO
from tests.tracker.reports.conftest import significant_caffeine
from tracker.reports import FORMATS
from tracker.reports.assembly import ReportData, report_assemble
from tracker.reports.first_page import SELF_REPORTED, first_page

GENERATED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# Set PAGE1_PNG to a folder to find page 1 there as PNG, to look at (pdftoppm -r 60).
PNG_FOLDER = os.environ.get("PAGE1_PNG")


def _report(user: User, date_from: date = FROM, date_to: date = TO) -> ReportData:
    report = report_assemble(user_id=user.pk, date_from=date_from, date_to=date_to, now=GENERATED)
    associations = [a for a in report.findings["associations"] if a["factor"] != "caffeine"]
    report.findings["associations"] = [
        significant_caffeine(lag_days=0) | {"ci_low": 1.1, "ci_high": 5.5, "rate_ratio": 2.49},
        *associations,
    ]
    return report


def _pdf_pages(report: ReportData, name: str, tmp_path: Path) -> list[str]:
    """Each page's text as pdftotext reads it, whitespace made single spaces."""
    out = io.BytesIO()
    FORMATS["pdf"].render(report, out, lambda percent: None)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(out.getvalue())
    if PNG_FOLDER:
        png = Path(PNG_FOLDER) / name
        png.with_suffix(".pdf").write_bytes(out.getvalue())
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", path, png], check=True)
    text = subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_it_puts_every_element_on_one_page(full_diary: User, tmp_path: Path) -> None:
    report = _report(full_diary)
    page = first_page(report)
    first, second = _pdf_pages(report, "full", tmp_path)[:2]
    assert "alice" not in first
    assert "Anna Example, born 3 Mar 1985" in first
    assert "Period: 1 Sep 2026 to 30 Nov 2026 (91 days, both included)" in first
    assert SELF_REPORTED in first
    assert "Twitching since 15 Jun 2026, as the patient reports." in first
    assert "Diary kept since 1 Sep 2026." in first
    frequency = report.findings["frequency"]
    assert f"About {frequency['per_week']:.1f} episodes a week: {frequency['episodes']} episodes on " in first
    assert " of the 91 days the diary covers." in first
    assert "Last four weeks:" in first
    assert "times as many)" in first
    assert "New in the last 30 days: Tongue (first logged 20 Nov 2026, 1 episode)." in first
    assert "Fri 20 Nov 2026, 18:00 (UTC+01:00): Muscle weakness" in first
    assert "Weakness: no in " in first
    for line in page.section("tried").lines + page.section("tests").lines:
        assert line in first
    assert "a week before" in first
    assert (
        "On days with 3 or more cups of caffeine, about 2.5 times as many episodes (between 1.1 and 5.5 times)."
        in first
    )
    assert page.footnote in first
    assert "p <" not in first
    assert "rate ratio" not in first
    assert "Episodes per week" in second  # the charts begin on page 2


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_it_says_calmly_what_an_empty_diary_does_not_have(alice: User, tmp_path: Path) -> None:
    profile_update(user=alice, time_zone="Europe/Paris")
    [first] = _pdf_pages(
        report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO, now=GENERATED), "empty", tmp_path
    )
    assert "born" not in first  # neither name nor date of birth when the person set none
    assert "alice" not in first
    for line in (
        SELF_REPORTED,
        "Onset not recorded.",
        "No diary entry yet.",
        "No episodes in this period.",
        "None recorded. Looked for: red-flag symptoms with an episode (",
        "eyelid twitching with other signs in the face or eyes; warning signs in the weekly checks.",
        "No weekly function checks in this period.",
        "No treatment recorded.",
        "No test recorded.",
        "page 1 of 1",
    ):
        assert line in first
