class BillingRefused(Exception):
    """A billing write the rules do not allow; the message is meant for staff. Nothing was written."""


class StaleDecision(BillingRefused):
    """Someone recorded another answer to the line since the person recording loaded it."""
