import factory

from concierge.accounts.models import User
# The sign-in helpers live outside the tests (bench/ uses them too); tests keep importing them from here.
from concierge.accounts.verified_login import authenticator_for, login_verified  # noqa: F401

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"staff{n}@ndegwa.example")
    first_name = factory.Iterator(["Grace", "Brian", "Faith", "Dennis"])
    last_name = factory.Iterator(["Wairimu", "Ochieng", "Mutiso", "Kiptoo"])
    is_staff = True
    password = factory.django.Password(PASSWORD)


def staff_in_role(role, **fields):
    """A staff user in one of the shop's groups (created by the roles migration)."""
    from django.contrib.auth.models import Group

    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def totp_code(device, *, at=None):
    """The code the user's phone shows now (or at unix time `at`), computed from the device's key by
    RFC 6238 here, independently of django-otp, as an authenticator app would."""
    import hashlib
    import hmac
    import struct
    import time

    counter = int(((time.time() if at is None else at) - device.t0) // device.step)
    digest = hmac.new(device.bin_key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**device.digits).zfill(device.digits)
