import factory

from concierge.accounts.models import User

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


def authenticator_for(user):
    """The user's confirmed authenticator (TOTP device), created once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


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


def login_verified(client, user):
    """Sign `user` in on a Django test client as a completed two-factor sign-in does: Django's login
    (force_login) and then django_otp.login with the user's authenticator, on the client's session.

    Use it instead of `client.force_login` for staff who must use a second factor (managers,
    superusers): force_login alone leaves the session unverified, and the admin and the report
    pages refuse it. Works for any staff user. Returns the authenticator device."""
    from django.http import HttpRequest
    from django_otp import login as otp_login

    device = authenticator_for(user)
    client.force_login(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    otp_login(request, device)
    request.session.save()
    return device
