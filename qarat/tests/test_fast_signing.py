import time

import pytest
from django.core import signing

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
