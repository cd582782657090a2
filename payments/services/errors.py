class PaymentRefused(Exception):
    """A ledger write the rules do not allow; the message is meant for staff. Nothing was written."""
