import datetime
import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from privacy.models import JobRun, SubjectRequest
from privacy.reminders import REMINDER_JOB
from testkit.inquiries import CANARIES, make_inquiry
from testkit.privacy import OTHER_PHONE, REGISTER, make_request

pytestmark = pytest.mark.django_db


def due(subject_request, days_from_today):
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    SubjectRequest.objects.filter(pk=subject_request.pk).update(due_on=day)


@pytest.fixture
def requests_due():
    """One overdue, two due today, one due later, one closed overdue: 4 open in all."""
    overdue = make_request("deletion")
    due(overdue, -2)
    today = [make_request("blocking"), make_request("correction", phone=OTHER_PHONE)]
    for subject_request in today:
        due(subject_request, 0)
    later = make_request("information")
    due(later, 3)
    closed = make_request("withdrawal")
    due(closed, -5)
    SubjectRequest.objects.filter(pk=closed.pk).update(status=SubjectRequest.Status.DONE)
    return {"overdue": [overdue], "today": today, "later": [later]}


def officer(username, email, *, active=True):
    user = User.objects.create_user(username, email, is_staff=True, is_active=active)
    user.groups.add(Group.objects.get(name="Privacy officers"))
    return user


def test_the_tile_counts_and_links_to_the_filtered_register(privacy_officer, requests_due):
    page = privacy_officer.get("/admin/").content.decode()
    tile = page[page.index('class="privacy-tile') : page.index("</section>")]
    links = {
        "overdue": f"{REGISTER}?overdue=yes",
        "due-today": f"{REGISTER}?overdue=today",
        "open": f"{REGISTER}?status__exact=open",
    }
    for name, count in (("overdue", 1), ("due-today", 2), ("open", 4)):
        item = tile[tile.index(f'class="requests-{name}') :]
        assert item.startswith(f'class="requests-{name}')
        assert f'href="{links[name]}"' in item.split("</li>")[0]
        assert f'<span class="figure">{count}</span>' in item.split("</li>")[0]
    # Each link lists exactly the requests it counts.
    for name, expected in (("overdue", "overdue"), ("due-today", "today")):
        listed = privacy_officer.get(links[name]).context["cl"].result_list
        assert {r.pk for r in listed} == {r.pk for r in requests_due[expected]}
    assert len(privacy_officer.get(links["open"]).context["cl"].result_list) == 4


def test_operators_see_no_tile(operator, requests_due):
    assert "privacy-tile" not in operator.get("/admin/").content.decode()


def test_an_empty_register_says_so(privacy_officer):
    page = privacy_officer.get("/admin/").content.decode()
    assert "Открытых запросов нет" in page
    page = privacy_officer.get(REGISTER).content.decode()
    assert "Запросов нет." in page


def test_the_morning_e_mail_goes_to_active_privacy_officers_with_counts_only(
    requests_due, mailoutbox, settings, operator
):
    settings.SITE_URL = "https://qarat.example.kz"
    make_inquiry()  # the canary's data exist, and must not travel
    officer("aigerim", "aigerim@example.kz")
    officer("bolat", "bolat@example.kz")
    officer("no-mail", "")
    officer("left", "left@example.kz", active=False)
    operator.user.email = "operator@example.kz"
    operator.user.save()
    out = io.StringIO()
    call_command("remind_privacy_officers", stdout=out)
    assert "1 overdue" in out.getvalue() and "2 address" in out.getvalue()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert sorted(mail.to) == ["aigerim@example.kz", "bolat@example.kz"]
    assert "просрочен 1 запрос" in mail.subject
    assert "Просрочено: 1" in mail.body and "Срок сегодня: 2" in mail.body
    assert "Всего открытых: 4" in mail.body
    assert f"https://qarat.example.kz{REGISTER}?overdue=yes" in mail.body
    whole = mail.subject + mail.body
    for canary in CANARIES:
        assert canary not in whole
    # Nor the register's own traces of the numbers, nor any reference.
    assert "…34" not in whole and "Q-" not in whole
    assert JobRun.objects.get(name=REMINDER_JOB).last_success_at is not None


def test_nothing_due_sends_nothing(mailoutbox):
    officer("aigerim", "aigerim@example.kz")
    due(make_request("information"), 5)
    call_command("remind_privacy_officers", verbosity=0)
    assert mailoutbox == []
    assert JobRun.objects.get(name=REMINDER_JOB).last_success_at is not None
