"""Receivers connecting billing to the jobs and clients it prices (filled in with the services)."""


def connect() -> None:
    pass
