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
