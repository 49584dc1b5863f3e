"""Every daily job that keeps a promise of the retention table warns privacy officers when it
never ran or has stopped: cron failing silently would keep data past their stated period."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import override

from privacy.job_warnings import WATCHED_JOBS
from privacy.models import JOB_LABELS, JobRun
from qarat.scheduler import default_jobs

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def retention_table_jobs():
    """The commands named in the "Deleted by" column of the README's retention table."""
    section = README.read_text().split("### How long each record is kept")[1].split("\n### ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    deleted_by = [row.rstrip(" |").rsplit("|", 1)[-1] for row in rows[1:]]
    return {name for cell in deleted_by for name in re.findall(r"`([a-z_]+)`", cell)}


def test_every_job_of_the_retention_table_is_watched_daily_and_named_for_staff():
    watched = {job.name for job in WATCHED_JOBS}
    assert retention_table_jobs() == watched
    daily = {job.command for job in default_jobs() if job.daily_at is not None}
    assert watched <= daily
    assert watched <= set(JOB_LABELS)


@pytest.mark.parametrize("job", WATCHED_JOBS, ids=lambda job: job.name)
def test_privacy_officers_are_warned_until_the_job_runs_and_when_it_stops(
    job, privacy_officer, operator, monkeypatch, tmp_path
):
    if job.name == "backup_database":
        # The dump itself is tested in its own process (test_backups); here, inside the
        # test's open transaction, SQLite's backup would wait for it forever.
        dump = tmp_path / "qarat-test.dump"
        monkeypatch.setattr(
            "privacy.management.commands.backup_database.backup_create",
            lambda: dump.write_bytes(b"dump") and dump,
        )

    def shown(client, url="/admin/"):
        return f'class="warning {job.css_class}"' in client.get(url).content.decode()

    with override("ru"):
        never_ran, late = str(job.never_ran), str(job.late)
    with override("en"):
        assert never_ran != str(job.never_ran) and late != str(job.late)  # translated
    page = privacy_officer.get("/admin/").content.decode()
    assert shown(privacy_officer) and never_ran in page
    # Operators cannot fix cron: no banner on their pages.
    assert not shown(operator)
    call_command(job.name, "-v", "0", stdout=io.StringIO())
    assert JobRun.last_success(job.name) is not None
    assert not shown(privacy_officer)
    two_days_ago = timezone.now() - datetime.timedelta(days=2, minutes=1)
    JobRun.objects.filter(name=job.name).update(last_success_at=two_days_ago)
    page = privacy_officer.get("/admin/inquiries/inquiry/").content.decode()
    assert shown(privacy_officer, "/admin/inquiries/inquiry/") and late in page
    assert not shown(operator, "/admin/inquiries/inquiry/")
