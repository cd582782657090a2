"""A client's data as the documents handed over on an access request: JSON, and a page a person can read."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string

from clients.models import Client

from .sections import export_sections
from .selectors import client_personal_data


def client_export_json(*, client: Client) -> str:
    return json.dumps(client_personal_data(client=client), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def client_export_html(*, client: Client, json_url: str | None = None) -> str:
    data = client_personal_data(client=client)
    sections = [
        ("Vehicles", data["vehicles"]), ("When each vehicle was theirs", data["vehicle_ownerships"]),
        ("Services", data["services"]),
        ("Notifications", data["notifications"]), ("Texting consent of the phone number", data["phone_consent"]),
        *((section.title, data[section.key]) for section in export_sections()),
        ("Audit trail", data["audit_trail"]),
    ]
    return render_to_string("data_rights/client_export.html", {"data": data, "client": client, "sections": sections, "json_url": json_url})
