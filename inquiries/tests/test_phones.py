import pytest

from inquiries.phones import contains_phone_number


@pytest.mark.parametrize(
    "text",
    [
        "8/701/555/01/99",
        "on 8.701.555.01.99, twice",
        "8_701_555_01_99",
        "+7 (701) 555-01-99",
        "номер 87015550199",
        "8 701 5550199",
        "\uff18\uff17\uff10\uff11\uff15\uff15\uff15\uff10\uff11\uff19\uff19",
        "12.05.2026 8 701 555 01 99",
        "+49 30 1234567",
    ],
)
def test_a_phone_number_is_found_whatever_separates_its_digits(text):
    assert contains_phone_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Done on 12.05.2026 at 10:30, case 2-123/2026, 3 inquiries deleted.",
        "Q-7K3M-9XQ2-HD4P exported",
        "ticket 1234567890",
        "100 000 000 tenge",
    ],
)
def test_dates_case_numbers_and_amounts_are_not_phone_numbers(text):
    assert not contains_phone_number(text)
