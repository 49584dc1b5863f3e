import time

import pytest
from django.core import signing

from inquiries.forms import STARTED_SALT, form_started
from qarat import fast_signing


@pytest.mark.parametrize("value", [[1796000000.25, "a-token"], {"name": "Әлия"}, "plain", 7])
def test_the_same_signed_value_as_djangos_dumps(value, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1796000000.25)
    assert fast_signing.dumps(value, salt="a.salt") == signing.dumps(value, salt="a.salt")
    assert signing.loads(fast_signing.dumps(value, salt="a.salt"), salt="a.salt") == value


def test_a_new_secret_key_or_salt_signs_differently(settings):
    before = fast_signing.dumps(["x"], salt="a.salt")
    assert signing.loads(before, salt="a.salt") == ["x"]
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    with pytest.raises(signing.BadSignature):
        signing.loads(before, salt="a.salt")
    assert signing.loads(fast_signing.dumps(["x"], salt="a.salt"), salt="a.salt") == ["x"]
    with pytest.raises(signing.BadSignature):
        signing.loads(fast_signing.dumps(["x"], salt="other.salt"), salt="a.salt")


def test_loads_reads_djangos_values_and_refuses_a_changed_one():
    signed = signing.dumps([1.5, "a-token"], salt="a.salt")
    assert fast_signing.loads(signed, salt="a.salt") == [1.5, "a-token"]
    value, _, signature = signed.rpartition(":")
    other_payload = signing.b64_encode(b'[2.5,"a-token"]').decode()
    forged = f"{other_payload}:{value.split(':')[1]}"
    for changed in (f"{forged}:{signature}", signed[:-2] + "xx", "no-separator", ""):
        with pytest.raises(signing.BadSignature):
            fast_signing.loads(changed, salt="a.salt")
    with pytest.raises(signing.BadSignature):
        fast_signing.loads(signed, salt="other.salt")


def test_loads_accepts_a_value_signed_with_a_previous_key(settings):
    signed = fast_signing.dumps(["x"], salt="a.salt")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert fast_signing.loads(signed, salt="a.salt") == ["x"]


@pytest.mark.parametrize("at", [1796000000.123456, 1796000000, 0.1 + 0.2, 1e-7, 1796000000.0])
@pytest.mark.parametrize(
    "token", ["5f0c2f4e-0a6b-4c53-8b5f-2f1f4ad9e0f1", 'a"quote', "Әлия", "a\\b"]
)
def test_the_form_start_is_djangos_signed_value_of_its_time_and_token(at, token, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1796000000.25)
    assert form_started(token, at=at) == signing.dumps([at, token], salt=STARTED_SALT)
    assert signing.loads(form_started(token, at=at), salt=STARTED_SALT) == [at, token]
