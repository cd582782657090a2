"""The shop's roles: which permission each staff group holds.

A data migration creates the groups; `roles_apply` also runs after every `migrate` (post_migrate), so
permissions of apps that land later (reports, workflows' own) are granted as soon as they exist.
It only adds: a permission a manager granted by hand is never taken away.

Permission rows decide what a role may open; the admin adds field-level limits on top
(servicing.admin: a user without `change_service_price` sees the cost read-only; one without
`add_service` cannot re-book a job's car, type or date).
"""

FRONT_DESK = "Front desk"
TECHNICIAN = "Technician"
MANAGER = "Manager"


def _crud(app_label, model, *verbs):
    return [f"{app_label}.{verb}_{model}" for verb in verbs or ("add", "change", "delete", "view")]


ROLE_PERMISSIONS = {
    # Takes cars in: clients, their vehicles, bookings and prices. Deleting clients (data protection
    # requests) is a manager's decision.
    FRONT_DESK: [
        *_crud("clients", "client", "add", "change", "view"),
        *_crud("fleet", "vehicle", "add", "change", "view"),
        *_crud("servicing", "service", "add", "change", "view"),
        "servicing.change_service_price",
        "servicing.view_service_price",
        "servicing.add_servicecollection",  # hands the car back (*Mark collected* on a completed job)
        "forecasting.view_serviceprediction",  # the "expected next 30 days" list
        "notifications.view_notification",
        "notifications.view_deliveryreport",
        # Messaging consent (read-only lists; an in-person opt-out is recorded from the client page).
        "notifications.view_phoneconsent", "notifications.view_consentchange", "notifications.view_inboundmessage",
        # Billing (docs/billing.md): prices jobs from the price list, records the owner's answers, keeps
        # customers' KRA PINs, reads invoices. Neither edits prices nor credits an invoice.
        "billing.view_pricelistitem",
        *_crud("billing", "estimateline", "add", "change", "delete", "view"),
        "billing.record_estimate_decision",
        *_crud("billing", "customertaxpin", "add", "change", "view"),
        "billing.view_invoice",
        # Takes payments (cash, card, an M-Pesa request) against invoices; refunds are a manager's.
        "payments.view_payment", "payments.record_payment",
        # M-Pesa requests, the unmatched Paybill list (assigning needs record_payment), callbacks received.
        "payments.view_mpesarequest", "payments.view_paybillpayment", "payments.view_mpesacallback",
    ],
    # Moves jobs along and writes notes on the car in front of them. Least privilege: no client records
    # (so no surname, email, phone or address: the admin shows the owner's first name only) and no
    # prices; edits no car. A migration (0004) took clients.view_client away from existing databases.
    TECHNICIAN: [
        "fleet.view_vehicle",
        "servicing.view_service",
        "servicing.change_service",
        # Which estimate lines were approved (work starts only on those); the admin hides their prices.
        "billing.view_estimateline",
    ],
    MANAGER: [
        *_crud("clients", "client"),
        *_crud("fleet", "vehicle"),
        *_crud("servicing", "service"),
        "servicing.change_service_price",
        "servicing.view_service_price",
        # The service-type catalogue: no delete, jobs keep a type's name (servicing.admin.ServiceTypeAdmin).
        *_crud("servicing", "servicetype", "add", "change", "view"),
        "servicing.add_servicecollection",
        "forecasting.view_serviceprediction",
        *_crud("notifications", "notification"),
        # The price list (every change audited; items retired, never deleted), estimates, PINs, and the
        # one correction of an issued invoice: a credit note. Invoices themselves are view-only.
        *_crud("billing", "pricelistitem", "add", "change", "view"),
        *_crud("billing", "estimateline"),
        "billing.record_estimate_decision",
        *_crud("billing", "customertaxpin"),
        "billing.view_invoice",
        "billing.issue_credit_note",
        # The payments ledger (read-only rows), payments taken, refunds given (docs/payments.md).
        "payments.view_payment", "payments.record_payment", "payments.record_refund",
        "payments.view_mpesarequest", "payments.view_paybillpayment", "payments.view_mpesacallback",
        # The SMS provider's delivery reports: read-only for everyone (the admin offers no other verb).
        "notifications.view_deliveryreport",
        "notifications.view_phoneconsent", "notifications.view_consentchange", "notifications.view_inboundmessage",
        *_crud("workflows", "workflow"),
        "audit.view_auditlog",
        # Data-subject requests (docs/audit-and-privacy.md): access and erasure are a manager's call.
        "audit.export_personal_data",
        "audit.erase_personal_data",
        "reports.view_reports",
        "accounts.view_user",
        # KRA eTIMS transmissions: read-only rows; deciding on an uncertain or refused one is a manager's.
        "etims.view_transmission",
        "etims.resolve_transmission",
        # API keys for the shop's other tools (docs/api.md): made, revoked and their request log read.
        "api.add_apikey", "api.change_apikey", "api.view_apikey", "api.view_apirequest",
        # Webhooks (docs/webhooks.md): endpoints and their secrets, the delivery log, redelivery.
        *_crud("webhooks", "endpoint"),
        "webhooks.view_endpoint_secret",
        "webhooks.view_delivery",
        "webhooks.redeliver_delivery",
    ],
}


def roles_apply(*, apps=None, using="default"):
    """Create the groups and grant each its permissions that exist so far. Idempotent; returns the
    codenames not granted yet (their app has not been migrated)."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    missing: list[str] = []
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = {tuple(name.split(".", 1)) for name in names}
        found = Permission.objects.using(using).filter(
            content_type__app_label__in={app for app, _ in wanted}, codename__in={code for _, code in wanted}
        ).select_related("content_type")
        granted = [p for p in found if (p.content_type.app_label, p.codename) in wanted]
        group.permissions.add(*granted)
        have = {(p.content_type.app_label, p.codename) for p in granted}
        missing.extend(f"{role}: {app}.{code}" for app, code in sorted(wanted - have))
    return missing


def roles_apply_after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver. Runs after each app's permissions are created (auth's receiver is
    connected first), so the last app's signal sees every permission."""
    roles_apply(using=using)
