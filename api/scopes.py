"""What an API key may do: read and/or write, per resource (docs/api.md, "Keys and scopes")."""

READ, WRITE = "read", "write"

# resource -> the verbs it offers. Estimates, invoices, payments and notifications are read-only here:
# money and messages change through the staff pages and their own services.
RESOURCES: dict[str, tuple[str, ...]] = {
    "clients": (READ, WRITE),
    "vehicles": (READ, WRITE),
    "services": (READ, WRITE),
    "estimates": (READ,),
    "invoices": (READ,),
    "payments": (READ,),
    "notifications": (READ,),
}

ALL_SCOPES: tuple[str, ...] = tuple(f"{resource}:{verb}" for resource, verbs in RESOURCES.items() for verb in verbs)
SCOPE_CHOICES = [(scope, scope) for scope in ALL_SCOPES]

# Decrypted email and phone are returned only to keys that may read clients (docs/api.md, "Personal data").
CONTACT_SCOPE = "clients:read"


def scope(resource: str, verb: str) -> str:
    if verb not in RESOURCES[resource]:
        raise ValueError(f"{resource} has no {verb} scope")
    return f"{resource}:{verb}"
