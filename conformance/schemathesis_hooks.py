"""Schemathesis hooks for Casebook: bearer-token authentication.

Each refresh signs up a fresh account and signs it in, so that an operation
under test that ends sessions (sign-out, sign out everywhere, a password or
email change) cannot lock the rest of the run out for long.
"""

import os
import uuid

import requests
import schemathesis

BASE_URL = os.environ["CASEBOOK_URL"]
PASSWORD = "conformance password 1"


@schemathesis.auth(refresh_interval=5)
class FreshAccount:
    def get(self, case, context):
        email = f"fuzz-{uuid.uuid4().hex[:12]}@example.com"
        account = {"email": email, "password": PASSWORD, "display_name": "Fuzzer"}
        created = requests.post(f"{BASE_URL}/v1/accounts", json=account, timeout=30)
        created.raise_for_status()
        session = requests.post(
            f"{BASE_URL}/v1/sessions", json={"email": email, "password": PASSWORD}, timeout=30
        )
        session.raise_for_status()
        return session.json()["token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
