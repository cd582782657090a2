from api.scopes import ALL_SCOPES
from api.services import api_key_create


def key_with(*scopes, by=None, expires_at=None, name="Accounting sync"):
    """(ApiKey, its bearer header) for a key holding `scopes` (all of them when none are given)."""
    new = api_key_create(name=name, scopes=list(scopes or ALL_SCOPES), by=by, expires_at=expires_at)
    return new.key, {"HTTP_AUTHORIZATION": f"Bearer {new.token}"}
