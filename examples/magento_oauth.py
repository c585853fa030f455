#!/usr/bin/env python3
"""A real OAuth 1.0a client (requests-oauthlib, HMAC-SHA256) against `cartsim serve`.

    cargo run --release -p cartsim -- serve --only magento --magento-base-path /magento-2.4.0 &
    pip install requests-oauthlib
    python3 examples/magento_oauth.py [http://127.0.0.1:8081]

Reads the credentials from /__sim/info, gets the store views, creates `test-001` as the
seed trace does, then shows Magento's refusals for a wrong secret and a replayed nonce.
Exits non-zero if anything differs from what real Magento answers.
"""
import json
import sys
import time

import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from requests_oauthlib import OAuth1

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8081"
prefix = "/magento-2.4.0"
creds = requests.get(f"{base}/__sim/info", timeout=10).json()["credentials"]


def oauth(secret=None, nonce=None):
    return OAuth1(
        creds["consumer_key"],
        client_secret=secret or creds["consumer_secret"],
        resource_owner_key=creds["access_token"],
        resource_owner_secret=creds["access_token_secret"],
        signature_method=SIGNATURE_HMAC_SHA256,
        nonce=nonce,
        timestamp=str(int(time.time())) if nonce else None,
    )


def expect(resp, status, body=None):
    got = resp.json()
    if resp.status_code != status or (body is not None and got != body):
        sys.exit(f"FAIL {resp.request.method} {resp.url}: {resp.status_code} {got}")
    return got


views = expect(requests.get(f"{base}{prefix}/rest/V1/store/storeViews", auth=oauth(), timeout=10), 200)
print("store views:", [v["code"] for v in views])

product = {"product": {"sku": "test-001", "name": "Test Product", "price": 103.5,
                       "attribute_set_id": 4, "type_id": "simple", "status": 1,
                       "custom_attributes": [{"attribute_code": "special_price", "value": 89.95}]}}
created = expect(requests.post(f"{base}{prefix}/rest/default/V1/products", json=product,
                               auth=oauth(), timeout=10), 200)
print("created:", created["id"], created["sku"], created["custom_attributes"][0])

expect(requests.get(f"{base}{prefix}/rest/V1/modules", auth=oauth(secret="x" * 32), timeout=10),
       401, {"message": "The signature is invalid. Verify and try again."})
print("wrong secret: refused")

nonce = "py%x" % time.time_ns()  # Magento keeps nonces in a varchar(32)
expect(requests.get(f"{base}{prefix}/rest/V1/modules", auth=oauth(nonce=nonce), timeout=10), 200)
expect(requests.get(f"{base}{prefix}/rest/V1/modules", auth=oauth(nonce=nonce), timeout=10), 401,
       {"message": "The nonce is already being used by the consumer with ID %1", "parameters": ["1"]})
print("replayed nonce: refused")

search = expect(requests.get(f"{base}{prefix}/rest/default/V1/products",
                             params={"searchCriteria[filterGroups][0][filters][0][field]": "sku",
                                     "searchCriteria[filterGroups][0][filters][0][value]": "test-001"},
                             auth=oauth(), timeout=10), 200)
print("search total_count:", search["total_count"])
print(json.dumps({"ok": True}))
