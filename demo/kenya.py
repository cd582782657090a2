"""What a Nairobi car-care shop's books look like: names, estates, cars, plates, jobs and prices."""

FIRST_NAMES = [
    "Wanjiru", "Kamau", "Achieng", "Otieno", "Njeri", "Mwangi", "Akinyi", "Kiprop", "Chebet", "Mutua",
    "Wambui", "Omondi", "Nyambura", "Kipchoge", "Muthoni", "Njoroge", "Atieno", "Wekesa", "Jepkosgei", "Kariuki",
    "Halima", "Hassan", "Faith", "Brian", "Grace", "Dennis", "Mercy", "Kevin", "Esther", "Collins",
]
LAST_NAMES = [
    "Ndegwa", "Odhiambo", "Kamau", "Kariuki", "Omondi", "Kiptoo", "Muthoni", "Njoroge", "Wekesa", "Ruto",
    "Ochieng", "Wairimu", "Mutiso", "Korir", "Gitau", "Onyango", "Maina", "Cheruiyot", "Abdi", "Macharia",
]
ESTATES = [
    "Kilimani", "Westlands", "Lavington", "Karen", "South B", "South C", "Langata", "Kileleshwa",
    "Parklands", "Ruaka", "Kasarani", "Embakasi", "Donholm", "Syokimau", "Rongai", "Ngong Road",
]
# (make, model, WMI the chassis number starts with)
CARS = [
    ("Toyota", "Fielder", "JTD"), ("Toyota", "Probox", "JTD"), ("Toyota", "Premio", "JTD"),
    ("Toyota", "Axio", "JTD"), ("Toyota", "Land Cruiser Prado", "JTE"), ("Toyota", "Vitz", "JTD"),
    ("Subaru", "Forester", "JF1"), ("Subaru", "Outback", "JF1"), ("Subaru", "Impreza", "JF1"),
    ("Nissan", "X-Trail", "JN1"), ("Nissan", "Note", "JN1"), ("Nissan", "Sylphy", "JN1"),
    ("Mazda", "Demio", "JM1"), ("Mazda", "CX-5", "JM1"), ("Mazda", "Atenza", "JM1"),
    ("Honda", "Fit", "JHM"), ("Honda", "CR-V", "JHL"), ("Mitsubishi", "Outlander", "JMB"),
    ("Volkswagen", "Golf", "WVW"), ("Isuzu", "D-Max", "MPA"),
]
COLOURS = ["white", "silver", "black", "grey", "blue", "maroon", "pearl white", "green"]
FUELS = ["petrol", "petrol", "petrol", "diesel", "hybrid"]
TRANSMISSIONS = ["automatic", "automatic", "automatic", "manual"]
# Price range in KES (lowest, highest) of each type in the shop's catalogue (servicing.ServiceType, filled
# by a migration); the demo books the catalogue's active types, and a type added later gets the default.
SERVICE_PRICES = {
    "Oil Change": (3500, 7500),
    "Full Service": (12000, 28000),
    "Brake Repair": (6000, 18000),
    "Wheel Alignment": (2000, 3500),
    "Tyre Replacement": (9000, 36000),
    "Suspension Repair": (15000, 45000),
    "Battery Replacement": (8500, 16000),
    "AC Service": (4500, 9000),
    "Car Wash & Detailing": (1500, 6000),
    "Engine Diagnostics": (2500, 5000),
}
DEFAULT_SERVICE_PRICE = (3000, 15000)


def service_types(*, using="default"):
    """[(name, lowest, highest)] of the catalogue's active service types: those priced above in this
    order (which keeps a seed's random sequence, and so the demo shop, as it was), then any others."""
    from servicing.selectors import service_type_choices

    names = service_type_choices(using=using)
    order = {name: i for i, name in enumerate(SERVICE_PRICES)}
    names.sort(key=lambda name: (order.get(name, len(order)), name))
    return [(name, *SERVICE_PRICES.get(name, DEFAULT_SERVICE_PRICE)) for name in names]


def service_intervals(*, using="default"):
    """{name: (interval_km, interval_months)} of the catalogue's types (forecasting reads the same)."""
    from servicing.models import ServiceType

    return {name: (km, months) for name, km, months in
            ServiceType.objects.using(using).values_list("name", "interval_km", "interval_months")}


TECHNICIANS = ["Peter Kamau", "Joseph Otieno", "Samuel Kiprono", "David Mwangi", "Ann Wanjiku"]
# Safaricom / Airtel mobile prefixes after +254.
MOBILE_PREFIXES = ["710", "711", "712", "713", "714", "720", "721", "722", "723", "724", "725", "726", "727",
                   "728", "729", "740", "741", "742", "743", "745", "746", "748", "757", "758", "759", "768",
                   "769", "790", "791", "792", "793", "794", "795", "796", "797", "798", "799", "733", "734",
                   "735", "736", "737", "738", "739", "750", "751", "752", "753", "754", "755", "756"]
# ISO 3779: VINs never use I, O or Q.
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
