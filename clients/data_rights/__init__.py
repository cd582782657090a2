"""A client's rights over their personal data (Kenya Data Protection Act 2019, GDPR): access (export)
and erasure, with the erasure ledger's re-apply after a restore (docs/audit-and-privacy.md).

Here, in the clients domain, because it reads and changes the client, their cars, jobs, messages and
portal links; the audit platform (concierge/audit) keeps what knows no domain: the trail, its
triggers and context, the erasure ledger, retention and partitions."""
