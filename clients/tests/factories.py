import factory

from clients.models import Client
from clients.services import client_create

FIRST_NAMES = ["Wanjiru", "Otieno", "Achieng", "Kamau", "Njeri", "Mwangi", "Akinyi", "Kiprop", "Chebet", "Mutua"]
LAST_NAMES = ["Ndegwa", "Odhiambo", "Wambui", "Kariuki", "Omondi", "Kipchoge", "Muthoni", "Njoroge", "Wekesa", "Ruto"]


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    first_name = factory.Iterator(FIRST_NAMES)
    last_name = factory.Iterator(LAST_NAMES)
    email = factory.Sequence(lambda n: f"client{n}@example.co.ke")
    phone = factory.Sequence(lambda n: f"+2547{n % 100000000:08d}")
    address = "Ngong Road, Nairobi"
    consent_gdpr = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, as every writer: it sends the signal the workflow events come from.
        return client_create(client=model_class(*args, **kwargs))
