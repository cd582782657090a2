"""Personal data at rest: field encryption (Fernet) and keyed hashes (HMAC-SHA256) for exact lookups."""
