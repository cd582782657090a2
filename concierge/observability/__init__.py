"""Watching the running system: request ids, log redaction and format, error reporting (Sentry).

Platform code: imports no domain app. docs/deploying.md says how a deployment uses it.
"""
