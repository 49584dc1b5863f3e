"""Phone numbers as operators type them, turned into the E.164 form the inquiries store."""

import re

import phonenumbers
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "KZ"
COUNTRY_CODE = "7"
# What a phone search may contain besides digits.
PHONE_PUNCTUATION = re.compile(r"^[\d\s()+\-.]+$")
MIN_SEARCH_DIGITS = 3
# A search of this many digits also finds the numbers that end with them.
SUFFIX_DIGITS = range(5, 8)
PHONE_MAX_LENGTH = 32
# A stored number of the +7 plan: spaced without parsing, since nearly every row has one.
_PLUS_SEVEN = re.compile(r"\+7([1-9]\d\d)(\d{3})(\d\d)(\d\d)")


# "+7 701 123 45 67", "8 (701) 123-45-67": how nearly every visitor types a number.
# Only ASCII separators: the library refuses some other spaces (a tab, U+2007, ...).
_TYPED_PLUS_SEVEN = re.compile(r" *(?:\+7|8)[ ()\-.]*([1-9](?:[ ()\-.]*[0-9]){9}) *")
_SEPARATORS = re.compile(r"[ ()\-.]")


def phone_to_e164(raw, *, region=DEFAULT_REGION):
    """The E.164 form of a full number, or None when it is not a valid number."""
    typed = _TYPED_PLUS_SEVEN.fullmatch(raw) if region == DEFAULT_REGION else None
    if typed:
        # +7 or the national prefix 8, then ten digits: read without the library's parser
        # (a test holds it to the library's reading); only a valid number is taken here.
        national = _SEPARATORS.sub("", typed[1])
        number = phonenumbers.PhoneNumber(country_code=7, national_number=int(national))
        if phonenumbers.is_valid_number(number):
            return f"+7{national}"
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PhoneField(forms.CharField):
    """A phone number typed in any usual way ("8 701 123 45 67", "+7 (701) 123-45-67"),
    cleaned to its E.164 form ("+77011234567"): the one rule of every form that takes one."""

    default_error_messages = {
        "invalid_phone": _("This does not look like a phone number. Example: 8 701 123 45 67."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        kwargs.setdefault("label", _("Phone number"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        e164 = phone_to_e164(value)
        if e164 is None:
            raise forms.ValidationError(self.error_messages["invalid_phone"], code="invalid_phone")
        return e164


def phone_display(e164):
    """A stored number spaced for reading aloud: "+7 701 555 12 34" as Kazakhstan writes
    it (+7 XXX XXX XX XX), other countries' numbers in their international format."""
    plus_seven = _PLUS_SEVEN.fullmatch(e164)
    if plus_seven:
        return "+7 {} {} {} {}".format(*plus_seven.groups())
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    national = str(number.national_number)
    if number.country_code == int(COUNTRY_CODE) and len(national) == 10:
        return f"+7 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_link(e164, css_class=""):
    """A one-tap `tel:` link showing the number as read aloud, never broken across lines."""
    return format_html(
        '<a class="{}" href="tel:{}">{}</a>',
        " ".join(["phone", css_class]).strip(),
        e164,
        phone_display(e164),
    )


def phone_search_suffix(term):
    """The last digits of a number as callers give them ("555 01 99"), reversed for the
    index on the reversed number; None unless the term is SUFFIX_DIGITS digits."""
    term = term.strip()
    if term.startswith("+") or not PHONE_PUNCTUATION.match(term):
        return None
    digits = re.sub(r"\D", "", term)
    if len(digits) not in SUFFIX_DIGITS:
        return None
    return digits[::-1]


def phone_search_prefixes(term):
    """The E.164 prefixes a phone search means, or () when the term is not a phone number.

    "8 701 123 45 67", "+77011234567" and "701 123" all become prefixes of "+7701...";
    a prefix match runs on the phone index, never a scan of the whole table.
    """
    term = term.strip()
    if not PHONE_PUNCTUATION.match(term):
        return ()
    digits = re.sub(r"\D", "", term)
    if len(digits) < MIN_SEARCH_DIGITS:
        return ()
    full = phone_to_e164(term)
    if full:
        return (full,)
    if term.startswith("+"):
        return ("+" + digits,)
    if digits.startswith("8") and len(digits) <= 11:
        return ("+" + COUNTRY_CODE + digits[1:],)  # the Kazakh trunk prefix 8
    if digits.startswith(COUNTRY_CODE) and len(digits) <= 11:
        # "7701..." may be the country code followed by 701, or a national 770...
        return ("+" + digits, "+" + COUNTRY_CODE + digits)
    return ("+" + COUNTRY_CODE + digits,)


# Digits ("８" and other scripts' too), each with the "+" written before it, if any.
_DIGIT_GROUP = re.compile(r"(\+\s*)?(\d+)")
_LETTERS = re.compile(r"[^\W\d_]+")


def contains_phone_number(text, *, region=DEFAULT_REGION):
    """Whether `text` holds a valid phone number, whatever separates its digits.

    Between letters, every run of digit groups joined by anything else ("8/701/555/01/99",
    "8.701.555.01.99", "+7 (701) 555-01-99") is tried: each stretch of consecutive groups,
    with its "+" if one was written before it.
    """
    for chunk in _LETTERS.split(text):
        groups = _DIGIT_GROUP.findall(chunk)
        for start, (plus, _digits) in enumerate(groups):
            digits = ""
            for _plus, group in groups[start:]:
                digits += group
                if len(digits) > 15:  # E.164's longest
                    break
                if phone_to_e164(("+" if plus else "") + digits, region=region):
                    return True
    return False
