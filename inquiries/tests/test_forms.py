import uuid

import pytest
from django import forms
from django.core import validators
from django.utils import translation
from django.utils.functional import Promise

from inquiries.forms import InquiryAdminForm, InquiryForm
from testkit.consent import make_draft
from testkit.inquiries import form_data, make_inquiry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "typed",
    [
        "8 701 123 45 67",
        "+7 (701) 123-45-67",
        "87011234567",
        "+77011234567",
        "7011234567",
        "8-701-123-45-67",
    ],
)
def test_kazakh_mobile_numbers_in_any_usual_format_are_stored_in_e164(typed):
    form = InquiryForm(form_data(phone=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+77011234567"


def test_a_foreign_number_with_its_country_code_is_accepted():
    form = InquiryForm(form_data(phone="+49 30 1234567"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+49301234567"


@pytest.mark.parametrize("typed", ["12345", "701 123", "8 000 000 00 00", "phone", "+7 701 12"])
def test_numbers_that_cannot_be_called_are_refused(typed):
    form = InquiryForm(form_data(phone=typed))
    assert not form.is_valid()
    assert form.errors["phone"] == [
        "This does not look like a phone number. Example: 8 701 123 45 67."
    ]


def test_name_is_trimmed_and_inner_spaces_collapsed():
    form = InquiryForm(form_data(name="   Айгүл    Сапарова  "))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Айгүл Сапарова"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "Please enter your name."),
        ("   ", "Please enter your name."),
        ("12345", "Please enter your name in letters."),
        ("!!!", "Please enter your name in letters."),
    ],
)
def test_a_name_without_letters_is_refused(name, error):
    form = InquiryForm(form_data(name=name))
    assert not form.is_valid()
    assert form.errors["name"] == [error]


def test_an_officers_correction_refuses_control_characters_in_a_name_like_the_form():
    inquiry = make_inquiry()
    data = {"name": "Ай\x1bгүл", "phone": inquiry.phone, "status": "new"}
    form = InquiryAdminForm({**data, "message": "", "note": "", "legal_hold_reason": ""})
    assert form.errors["name"] == [
        "Remove the invisible control characters (such as NUL) from this field."
    ]


def test_message_is_optional_and_keeps_line_breaks():
    assert InquiryForm(form_data(message="")).is_valid()
    form = InquiryForm(form_data(message="Первая строка\r\n\tВторая"))
    assert form.is_valid(), form.errors
    assert "\n" in form.cleaned_data["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Ай\x00гүл"),
        ("name", "Ай\x1bгүл"),
        ("name", "Ай\nгүл"),
        ("message", "hello\x00world"),
        ("message", "bell\x07"),
        ("message", "c1\x85control"),
        ("phone", "8701\x001234567"),
    ],
)
def test_control_characters_are_refused_with_a_clear_message(field, value):
    form = InquiryForm(form_data(**{field: value}))
    assert not form.is_valid()
    assert form.errors[field] == [
        "Remove the invisible control characters (such as NUL) from this field."
    ]


def test_consent_is_required_whatever_the_browser_sends():
    for value in (None, "", "false", "0", "off", "no", "yes please"):
        form = InquiryForm(form_data(consent=value))
        assert not form.is_valid()
        assert form.errors["consent"] == [
            "Tick the box to agree to the processing of personal data: "
            "without it we cannot accept the inquiry."
        ]


def test_a_form_posted_with_a_broken_token_comes_back_with_a_fresh_one():
    """Sent again, it is one form with one token: a second post cannot store it twice."""
    form = InquiryForm(form_data(token="not-a-uuid", started=""))
    assert not form.is_valid()
    token = form.data["token"]
    again = InquiryForm(form_data(token=token, started=form.data["started"]))
    assert again.is_valid(), again.errors
    assert again.cleaned_data["token"] == uuid.UUID(token)


def test_a_new_form_is_signed_with_its_start_and_accepted_when_sent_back():
    """A visitor who opens the form and sends it is accepted at the first try."""
    form = InquiryForm()
    token, started = form.initial["token"], form.initial["started"]
    sent = InquiryForm(form_data(token=token, started=started))
    assert sent.is_valid(), sent.errors
    assert sent.cleaned_data["token"] == uuid.UUID(token)


def test_a_new_form_offers_a_fresh_token_and_an_unticked_box():
    first, second = InquiryForm(), InquiryForm()
    assert first.initial["token"] != second.initial["token"]
    assert not first.consent_ticked
    assert first.shown_version.number == 1


def test_a_form_for_a_consent_version_never_published_asks_to_tick_again():
    form = InquiryForm(form_data(consent_version="99"))
    assert form.errors["consent"] == [
        "We could not tell which consent text this form showed. "
        "Please read the text linked below and tick the box again."
    ]


def test_a_form_for_a_significantly_superseded_version_asks_to_read_the_new_one(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        make_draft(significant=True, text_en="Consent v2").publish()
    form = InquiryForm(form_data(consent_version="1"))
    assert form.errors["consent"] == [
        "The consent text has changed since this page was opened. "
        "Please read the new version linked below and tick the box again."
    ]


def _state(value):
    """What a field or widget holds, compared by value; functions and patterns by identity."""
    if isinstance(value, Promise):
        return ("lazy", str(value))
    if isinstance(value, dict):
        return {key: _state(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return (type(value).__name__, [_state(item) for item in value])
    if isinstance(value, (forms.Field, forms.Widget, validators.BaseValidator)):
        return (type(value).__name__, _state(vars(value)))
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return ("object", id(value))


def test_every_form_shares_the_fields_and_nothing_changes_them(client):
    # Forms get the class's fields themselves, not copies (SharedFields): that holds only
    # while rendering and checking a form never changes a field or a widget.
    assert all(
        InquiryForm().fields[name] is field for name, field in InquiryForm.base_fields.items()
    )
    before = _state(dict(InquiryForm.base_fields))
    refused = [
        {"consent": None},
        {"consent_version": "999"},
        {"phone": "12"},
        {"name": "123", "message": "x" * 2001},
        {"started": "forged"},
    ]
    for prefix in ("", "/kk", "/en"):
        assert client.get(f"{prefix}/").status_code == 200
        for overrides in refused:
            response = client.post(f"{prefix}/", form_data(**overrides))
            assert response.status_code == 400, overrides
            assert b"ym-disable-keys" in response.content
        assert client.post(f"{prefix}/", form_data()).status_code == 303
    assert _state(dict(InquiryForm.base_fields)) == before
