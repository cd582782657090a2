"""What happens in the ledger, said by the service that does it (payments/services/ledger.py).

Sent with Payment as sender, inside the service's transaction, right after the insert:
- payment_recorded(payment, by): money came in against an invoice (cash, card, M-Pesa);
- refund_recorded(refund, by): money went back to the client.
"""

from django.dispatch import Signal

payment_recorded = Signal()
refund_recorded = Signal()
