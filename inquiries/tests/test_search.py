"""Finding an inquiry as callers and operators give it: the number's last digits, a name in
any case (Cyrillic on SQLite too), and how numbers and times are shown."""

import contextlib
import random
import re
from pathlib import Path

import phonenumbers
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries.models import Inquiry
from inquiries.phones import _TYPED_PLUS_SEVEN, phone_display, phone_to_e164
from testkit.inquiries import make_inquiry

pytestmark = pytest.mark.django_db

LIST = "/admin/inquiries/inquiry/"


def found(client, term):
    return client.get(LIST, {"q": term}).content.decode()


@pytest.mark.parametrize("typed", ["555 01 99", "5550199", "550199", "50199", "555-01-99"])
def test_the_last_five_to_seven_digits_find_the_number(operator, typed):
    wanted = make_inquiry(phone="+77015550199")
    other = make_inquiry(phone="+77015550198")
    page = found(operator, typed)
    assert wanted.reference in page and other.reference not in page


def test_the_prefix_search_still_works_beside_the_last_digits(operator):
    wanted = make_inquiry(phone="+77015550199")
    assert wanted.reference in found(operator, "8 701 555")
    assert wanted.reference in found(operator, "+7 701 555 01 99")
    assert wanted.reference not in found(operator, "0199")  # four digits: too few to be the end


def test_the_last_digits_are_a_prefix_match_on_the_reversed_numbers_index(operator):
    make_inquiry(phone="+77015550199")
    with CaptureQueriesContext(connection) as queries:
        found(operator, "555 01 99")
    sql = " ".join(q["sql"] for q in queries)
    assert "'9910555%'" in sql
    assert "'%5550199" not in sql and "'%9910555" not in sql
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "inquiries_inquiry")
    assert any(
        index["index"] and index["columns"] == ["phone_reversed"] for index in indexes.values()
    )


def test_search_columns_follow_the_name_and_number_when_they_are_corrected():
    inquiry = make_inquiry(name="Семён  Ли", phone="+77015550199")
    assert (inquiry.name_search, inquiry.phone_reversed) == ("семен ли", "99105551077+")
    inquiry.name, inquiry.phone = "Ержан", "+77029998877"
    inquiry.save()
    stored = Inquiry.objects.values_list("name_search", "phone_reversed").get(pk=inquiry.pk)
    assert stored == ("ержан", "77889992077+")


@pytest.mark.parametrize("typed", ["айгерим", "АЙГЕРИМ", "аЙгЕрИм  нурлановна", "Айгерим"])
def test_cyrillic_names_are_found_whatever_their_case(operator, typed):
    wanted = make_inquiry(name="Айгерим Нурлановна")
    other = make_inquiry(name="Ержан Нурланов")
    page = found(operator, typed)
    assert wanted.reference in page and other.reference not in page


def test_yo_is_found_as_ye_and_kazakh_letters_in_any_case(operator):
    semyon = make_inquiry(name="Семён Петров")
    kazakh = make_inquiry(name="Әлия Құрманғали")
    assert semyon.reference in found(operator, "семен")
    assert kazakh.reference in found(operator, "әлия құрманғали")
    assert kazakh.reference in found(operator, "ӘЛИЯ")


def test_the_name_search_has_a_trigram_index_on_postgresql():
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            pytest.skip("SQLite has no trigram index and needs none")
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'inquiry_name_search_trgm'"
        )
        assert "name_search gin_trgm_ops" in cursor.fetchone()[0]
        # The index of the search before the casefolded column is gone: nothing uses it.
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'inquiry_name_trgm'")
        assert cursor.fetchone() is None


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+77770001122", "+7 777 000 11 22"),
        ("+77015550199", "+7 701 555 01 99"),
        ("+79161234567", "+7 916 123 45 67"),
        ("+4930123456", "+49 30 123456"),
    ],
)
def test_numbers_are_shown_as_kazakhstan_writes_them(e164, shown):
    assert phone_display(e164) == shown


def test_the_quick_spacing_of_plus_seven_numbers_agrees_with_the_library():
    # The +7 numbers skip phonenumbers.parse; spaced from the parsed number they read the same.
    rng = random.Random(7)
    numbers = [f"+7{rng.choice('37')}{rng.randrange(10**9):09d}" for _ in range(2000)]
    numbers += ["+77015550199", "+70123456789", "+7701555019", "+770155501999", "+7 701"]
    for e164 in numbers:
        expected = e164
        with contextlib.suppress(phonenumbers.NumberParseException):
            number = phonenumbers.parse(e164, None)
            national = str(number.national_number)
            if number.country_code == 7 and len(national) == 10:
                expected = f"+7 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"
            else:
                expected = phonenumbers.format_number(
                    number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
                )
        assert phone_display(e164) == expected, e164


def typed_numbers(count, seed=7):
    """Numbers as people type them: +7, 8, 7, 810, none; spaced, dashed, dotted, bracketed."""
    rng = random.Random(seed)
    starts = [
        "70",
        "74",
        "77",
        "71",
        "72",
        "33",
        "80",
        "90",
        "91",
        "94",
        "49",
        "00",
        "10",
        "8",
        "1",
    ]
    prefixes = ["+7", "8", "7", "+8", "", "+ 7", "8 ", "+7 ", " 8", "88", "810", "+77", "(8)"]
    for _ in range(count):
        digits = rng.choice(starts) + "".join(
            rng.choice("0123456789") for _ in range(rng.choice([8, 8, 8, 7, 9, 10, 6]))
        )
        separator = rng.choice([" ", "-", "", ".", "  ", " - "])
        body = separator.join([digits[:3], digits[3:6], digits[6:8], digits[8:]])
        body = rng.choice([body, digits, f"({digits[:3]}) {digits[3:]}"])
        yield rng.choice(prefixes) + rng.choice(["", " "]) + body + rng.choice(["", " "])


def test_numbers_read_without_the_parser_agree_with_the_library():
    # "+7 ..." and "8 ..." with ten digits skip phonenumbers.parse: the same answer for all.
    quick = 0
    spaces = ["\u00a0", "\u2007", "\u202f", "\u3000", "\t", "\n", "\x0b", "\x1c", "\u2028", "\x85"]
    unusual = [f"8{space}701{space}555{space}01{space}99" for space in spaces]
    unusual += ["８ ７０１ ５５５ ０１ ９９", "8 701 555 01 99", "+7 (701) 555-01-99"]
    unusual += ["8 800 555 35 35", "+7\t701 555 01 99"]
    for typed in [*typed_numbers(5000), *unusual]:
        try:
            number = phonenumbers.parse(typed, "KZ")
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        expected = phonenumbers.format_number(number, 0) if valid else None
        assert phone_to_e164(typed) == expected, typed
        quick += bool(expected and _TYPED_PLUS_SEVEN.fullmatch(typed))
    assert quick > 300  # the quick reading was exercised (430 of them), not only the library's


def test_the_number_is_shown_grouped_and_never_wrapped_in_the_list_and_on_the_page(operator):
    inquiry = make_inquiry(phone="+77770001122")
    for url in (LIST, f"{LIST}{inquiry.pk}/change/"):
        page = operator.get(url).content.decode()
        assert re.search(
            r'<a class="phone[^"]*" href="tel:\+77770001122">\+7 777 000 11 22</a>', page
        )
    css = Path(__file__).resolve().parents[2] / "static" / "staff" / "admin.css"
    assert re.search(r"\.phone\s*\{\s*white-space:\s*nowrap", css.read_text())


def test_every_time_on_the_inquiry_page_is_almaty_time_with_its_zone(operator, settings):
    import datetime

    settings.TIME_ZONE = "Asia/Almaty"
    received = datetime.datetime(2026, 3, 16, 11, 40, 7, 123456, tzinfo=datetime.UTC)
    inquiry = make_inquiry(created_at=received)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=Inquiry.Status.PROCESSED,
        processed_at=received + datetime.timedelta(hours=1),
    )
    page = operator.get(f"{LIST}{inquiry.pk}/change/").content.decode()
    content = page.split('id="content"')[1]
    assert "16.03.2026 16:40 (UTC+05)" in content  # received and consent accepted
    assert content.count("16.03.2026 16:40 (UTC+05)") >= 2
    assert "16.03.2026 17:40 (UTC+05)" in content  # processed at
    # Nothing raw: no UTC offset notation, no seconds with microseconds, no "11:40".
    assert not re.search(r"\d\d:\d\d:\d\d(\.\d+)?", content)
    assert "+00:00" not in content and "11:40" not in content
    listed = operator.get(LIST, {"queue": "all"}).content.decode()
    assert "16.03.2026 16:40 (UTC+05)" in listed and "11:40" not in listed
