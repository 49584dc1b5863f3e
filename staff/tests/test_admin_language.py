"""Every admin page each role opens, rendered in Russian (and Kazakh), shows no English.

The crawl starts at the index and follows every link of the admin the page offers (lists,
filters, objects, history, add and delete pages), with one of each kind of record in place.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.utils.translation import trans_real
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from inquiries.models import Inquiry
from privacy.job_warnings import WATCHED_JOBS
from privacy.models import JobRun
from testkit.consent import make_draft
from testkit.inquiries import CANARY_MESSAGE, make_inquiry
from testkit.privacy import act, make_request
from testkit.staff import PASSWORD, log_in

# Latin-script words a Russian page may show: the brand, the second factor's standard name,
# the file formats the export offers, and Django's "ID" column.
ALLOWED = {"QARAT", "Service", "TOTP", "UTC", "SHA", "ID", "JSON", "CSV", "Excel", "xlsx"}
ALLOWED |= {"Markdown", "HTML", "mailto", "tel", "https", "IP", "cron"}
# Names Django's own Russian keeps in Latin script: keys ("Control", "Command" on a Mac) and
# single sign-on (sic: "Sing-On") or LDAP on the new account's password choice.
ALLOWED |= {"Control", "Command", "Mac", "Single", "Sing-On", "LDAP"}
# References, e-mail addresses, URLs, usernames of this test's accounts, hashes.
ALLOWED_PATTERNS = [
    r"Q-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}",
    r"[\w.+-]+@[\w.-]+",
    r"(?:https?://|/)[\w./?=&%-]*",
    r"(?:operators|privacy|admin|colleague)(?:-[0-9a-f]{6})?",
    r"\b[0-9a-f]{64}\b",
    CANARY_MESSAGE,
    r"\b[0-9a-f]{8}-[0-9a-f-]{27}\b",
    "|".join(job.name for job in WATCHED_JOBS) + "|DESTRUCTION_JOURNAL",  # commands, a setting
    r"<unknown>",  # django-axes' record of a browser that sent no User-Agent
]
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|\b[A-Za-z]\b")
SKIP = re.compile(r"/logout/|/password/|\.(?:json|csv|xlsx|txt)$|/r/\d+/\d+/|/jsi18n/")
MAX_PAGES = 220


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Not the interface but the records' own text: what staff typed, English versions of texts.
DATA = re.compile(r"\bfield-(?:text_\w+|password)\b")


class VisibleText(HTMLParser):
    """What a reader sees of the interface: text outside script, style and form data, the
    title, button and placeholder texts; and the links to follow."""

    def __init__(self, language):
        super().__init__()
        self.language = language
        self.parts, self.links, self._open = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in VOID:
            hidden = (
                tag in ("script", "style", "template", "textarea")
                or bool(DATA.search(attrs.get("class") or ""))
                # A passage in another language: the English text of a version, say.
                or attrs.get("lang", self.language) != self.language
            )
            self._open.append((tag, hidden))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if self._hidden:
            return
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")
        for name in ("placeholder", "aria-label", "title"):
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    @property
    def _hidden(self):
        return any(hidden for _tag, hidden in self._open)

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def english_words(html, language):
    parser = VisibleText(language)
    parser.feed(html)
    text = " ".join(parser.parts)
    for pattern in ALLOWED_PATTERNS:
        text = re.sub(pattern, " ", text)
    return {word for word in LATIN_WORD.findall(text) if word not in ALLOWED}, parser.links


def crawl(client, start="/admin/"):
    """{url: English words} for every admin page reachable from `start` by GET."""
    found, seen, queue = {}, set(), [start]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        words, links = english_words(response.content.decode(), client.language)
        if words:
            found[url] = sorted(words)
        for link in links:
            link = urldefrag(link)[0]
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/admin/") or SKIP.search(link):
                continue
            # One page per filter of a list is enough: the rest differ in figures only.
            if parts.query and any(q.split("?")[0] == parts.path for q in seen if "?" in q):
                continue
            queue.append(link)
    return found, seen


@pytest.fixture
def records(privacy_officer, verified_admin_client):
    """One of each kind of record, and a history entry of each."""
    inquiry = make_inquiry()
    draft = make_draft()
    subject_request = make_request("deletion")
    privacy_officer.post(
        f"/admin/inquiries/inquiry/{inquiry.pk}/change/",
        {
            "name": inquiry.name,
            "phone": inquiry.phone,
            "message": inquiry.message,
            "status": Inquiry.Status.PROCESSED,
            "note": "перезвонили",
            "legal_hold_reason": "",
        },
    )
    assert LogEntry.objects.filter(object_id=str(inquiry.pk)).exists()
    act(privacy_officer, subject_request, "delete")
    JobRun.record_success("purge_expired_inquiries")
    colleague = User.objects.create_user("colleague", "colleague@example.com", PASSWORD)
    TOTPDevice.objects.create(user=colleague, name="authenticator", confirmed=True)
    StaticDevice.objects.create(user=colleague, name="backup codes").token_set.create(
        token="abcd1234"
    )
    log_in(verified_admin_client.__class__(), "colleague", "wrong password 12345678")
    return {"inquiry": inquiry, "draft": draft, "request": subject_request}


@pytest.mark.parametrize("role", ["operator", "privacy_officer", "verified_admin_client"])
def test_admin_pages_in_russian_show_no_english(request, role, records):
    client = request.getfixturevalue(role)
    client.language = "ru"
    found, seen = crawl(client)
    assert len(seen) > (5 if role == "operator" else 20), sorted(seen)
    assert not found, "\n".join(f"{url}: {' '.join(words)}" for url, words in found.items())


@pytest.fixture
def without_russian_fallback(monkeypatch):
    """Django answers a string its Kazakh catalog lacks in the default language, Russian, which
    reads as Kazakh to this test; without that fallback it shows as English, and is caught."""
    monkeypatch.setattr(trans_real.DjangoTranslation, "_add_fallback", lambda *args: None)
    monkeypatch.setattr(trans_real, "_translations", {})
    yield
    trans_real._translations = {}


@pytest.mark.parametrize("role", ["operator", "privacy_officer", "verified_admin_client"])
def test_admin_pages_in_kazakh_show_no_english(request, role, records, without_russian_fallback):
    client = request.getfixturevalue(role)
    # The switch at the top of every admin page sets the language cookie.
    response = client.post("/admin/language/", {"language": "kk", "next": "/admin/"})
    assert response.status_code == 302
    client.language = "kk"
    page = client.get("/admin/").content.decode()
    assert '<html lang="kk"' in page and "Сайт әкімшілігі" in page
    found, seen = crawl(client)
    assert len(seen) > (5 if role == "operator" else 20), sorted(seen)
    assert not found, "\n".join(f"{url}: {' '.join(words)}" for url, words in found.items())
