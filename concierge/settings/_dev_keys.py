"""The development-only keys of local.py, in one place so that production.py can refuse them: they are
in the repository, so anyone can read data encrypted or signed with them."""

SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
FIELD_ENCRYPTION_KEY = "qSh3AwbzwyY4tC3ieQQsO499JS2eEuSUCCJEyYRe_zY="
FIELD_HASH_KEY = "dev-only-hash-key-nHWfp1RJaC3Unq3rKfRIyXsZwt3Ib2zweQskCqlqVP0"
