"""django-axes hooks: which account a sign-in attempt is counted against."""


def attempt_username(request, credentials) -> str | None:
    """The typed email, as the account it names: `Grace@Shop` and `grace@shop ` are one account, so
    varying the case or adding spaces does not start a fresh count (AXES_USERNAME_CALLABLE)."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    return value.strip().lower() if isinstance(value, str) else None
