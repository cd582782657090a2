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
