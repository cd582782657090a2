"""The LOGGING dict: readable lines in development, one JSON object per line in production.
Every handler adds the request id and redacts personal data and tokens (redact.py)."""


def logging_config(*, json: bool, level: str) -> dict:
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "concierge.observability.requestid.RequestIdFilter"},
            "redact": {"()": "concierge.observability.redact.RedactFilter"},
        },
        "formatters": {"main": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "main", "filters": ["request_id", "redact"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own request logger would otherwise also go to its default handlers.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            # Gunicorn's error log, same format.
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
        },
    }
