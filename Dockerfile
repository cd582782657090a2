# A starting point for a container image (docs/deploying.md). NOT built or run by any test here: no
# container runtime is installed on the development machines or in CI. `make serve` is the checked path.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=concierge.settings.production \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
RUN useradd --system --home /app concierge
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .

# collectstatic only needs settings that load: throwaway values for this one build step, never kept in
# the image's environment. The hashed, compressed files end up in the image; whitenoise serves them.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    FIELD_HASH_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput --verbosity 0

USER concierge
EXPOSE 8000
# No access log of gunicorn's own: portal paths carry link tokens (the app logs routes instead).
CMD ["gunicorn", "concierge.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", \
     "--error-logfile", "-", "--no-control-socket"]
