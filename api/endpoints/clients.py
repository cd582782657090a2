import datetime
import uuid

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from clients.forms import ClientForm
from clients.models import Client
from clients.services import client_create
from concierge.admin.concurrency import save_changed

from ..auth import require
from ..filters import since, text
from ..idempotency import idempotent_create
from ..pagination import MAX_LIMIT, paginate
from ..schemas import ClientIn, ClientOut, ClientSearchIn, Page
from ..scopes import CONTACT_SCOPE
from ..writes import bound_form, check_form, etag, if_match_version
from .common import ERRORS, IDEMPOTENCY_KEY, IF_MATCH, LIMIT, WRITE_ERRORS

router = Router(tags=["clients"])


def client_out(client: Client, *, contacts: bool) -> ClientOut:
    return ClientOut(
        id=client.id, first_name=client.first_name, last_name=client.last_name,
        email=client.email if contacts else None, phone=client.phone if contacts else None,
        address=client.address, consent_gdpr=client.consent_gdpr, preferred_language=client.preferred_language,
        created_at=client.created_at, updated_at=client.updated_at,
    )


@router.get("/clients", response={200: Page[ClientOut], **ERRORS})
def list_clients(
    request: HttpRequest, updated_since: datetime.datetime | None = None, cursor: str | None = None,
    limit: int = LIMIT,
):
    require(request, "clients:read")
    rows, next_cursor = paginate(
        since(Client.objects.all(), "updated_at", updated_since, "updated_since"), cursor=text(cursor, "cursor"), limit=limit,
    )
    return {"results": [client_out(c, contacts=True) for c in rows], "next_cursor": next_cursor}


@router.post("/clients/search", response={200: Page[ClientOut], **ERRORS})
def search_clients(request: HttpRequest, payload: ClientSearchIn):
    """Clients by exact phone or email (compared through their keyed hashes); in the body, never the URL."""
    require(request, "clients:read")
    queryset = Client.objects.none()
    if payload.phone and text(payload.phone, "phone"):
        queryset = Client.objects.by_phone(payload.phone)
    if payload.email and text(payload.email, "email"):
        by_email = Client.objects.by_email(payload.email)
        queryset = by_email if not payload.phone else queryset & by_email
    rows = list(queryset.order_by("created_at", "id")[:MAX_LIMIT])
    return {"results": [client_out(c, contacts=True) for c in rows], "next_cursor": None}


@router.get("/clients/{client_id}", response={200: ClientOut, **ERRORS})
def get_client(request: HttpRequest, response: HttpResponse, client_id: uuid.UUID):
    require(request, "clients:read")
    client = get_object_or_404(Client, pk=client_id)
    response["ETag"] = etag(client)
    return client_out(client, contacts=True)


@router.post("/clients", response={201: ClientOut, 200: ClientOut, **WRITE_ERRORS})
def create_client(request: HttpRequest, response: HttpResponse, payload: ClientIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """Register a client, checked as the admin's client form checks it. With an Idempotency-Key header a
    retry returns the client made the first time (200) instead of a second one."""
    key = require(request, "clients:write")
    contacts = CONTACT_SCOPE in key.scopes

    def create() -> Client:
        form = bound_form(ClientForm, changes=payload.dict(exclude_unset=True))
        check_form(form)
        return client_create(client=form.save(commit=False), by=key.acting_user)

    client, created = idempotent_create(request, idempotency_key, key=key, resource="clients", create=create, model=Client)
    client.refresh_from_db()
    response["ETag"] = etag(client)
    return Status(201 if created else 200, client_out(client, contacts=contacts))


@router.patch("/clients/{client_id}", response={200: ClientOut, **WRITE_ERRORS})
def update_client(request: HttpRequest, response: HttpResponse, client_id: uuid.UUID, payload: ClientIn, if_match: str | None = IF_MATCH):
    """Change some fields (If-Match required): the admin's form checks the whole client and its
    stale-edit check answers 412 when the client changed since that version."""
    key = require(request, "clients:write")
    version = if_match_version(if_match)
    with transaction.atomic():
        client = get_object_or_404(Client, pk=client_id)
        form = bound_form(ClientForm, changes=payload.dict(exclude_unset=True), instance=client, version=version)
        check_form(form)
        save_changed(form.save(commit=False), form.locked_row)
    client.refresh_from_db()
    response["ETag"] = etag(client)
    return client_out(client, contacts=CONTACT_SCOPE in key.scopes)
