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


def test_incidents_to_notify_are_on_the_tile_and_in_the_morning_e_mail(privacy_officer, mailoutbox):
    from privacy.models import Incident

    found = timezone.now() - datetime.timedelta(days=10)
    late = Incident.objects.create(
        found_at=found,
        description="Laptop lost.",
        subjects_count=3,
        notify_authority=True,
        notify_subjects=False,
    )
    Incident.objects.create(
        found_at=found,
        description="No one to notify.",
        subjects_count=1,
        notify_authority=False,
        notify_subjects=False,
    )
    page = privacy_officer.get("/admin/").content.decode()
    tile = page[page.index('class="privacy-tile') : page.index("</section>")]
    item = tile[tile.index('class="incidents-overdue') :].split("</li>")[0]
    assert '<span class="figure">1</span>' in item
    link = "/admin/privacy/incident/?overdue=yes"
    assert f'href="{link}"' in item
    assert [i.pk for i in privacy_officer.get(link).context["cl"].result_list] == [late.pk]
    assert '<span class="figure">2</span>' in tile[tile.index('class="incidents-open') :]

    officer("aigerim", "aigerim@example.kz")
    call_command("remind_privacy_officers", verbosity=0)
    assert len(mailoutbox) == 1  # no request is due: the late incident alone sends it
    assert "Инциденты с просроченным уведомлением: 1" in mailoutbox[0].body
    assert link in mailoutbox[0].body
    assert "Laptop" not in mailoutbox[0].subject + mailoutbox[0].body
