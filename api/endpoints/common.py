from ninja import Header, Query

from ..pagination import DEFAULT_LIMIT, MAX_LIMIT
from ..schemas import ErrorOut, ValidationErrorOut

# Every operation may answer these (documented so that clients, and schemathesis, know their shape).
ERRORS: dict[int, type] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut,
}
WRITE_ERRORS: dict[int, type] = {**ERRORS, 409: ErrorOut, 412: ErrorOut, 428: ErrorOut}

LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page (1-{MAX_LIMIT}).")

# Declared in the schema so that clients (and the docs page) see them; docs/api.md, "Writes".
IF_MATCH = Header(None, alias="If-Match", description="The ETag of the row as read: required (428 without it; 412 if stale).")
IDEMPOTENCY_KEY = Header(
    None, alias="Idempotency-Key", description="Retrying with the same value returns the row made the first time.",
)
