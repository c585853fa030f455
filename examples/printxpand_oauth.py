#!/usr/bin/env python3
"""A real OAuth 1.0a client (requests-oauthlib, HMAC-SHA256) against PrintXpand under
`cartsim serve`, as the PrintXpand docs have integrators do it ("Magento 2 OAuth-based
authentication").

    cargo run --release -p cartsim -- serve --only printxpand &
    pip install requests-oauthlib
    python3 examples/printxpand_oauth.py [http://127.0.0.1:8083]

Reads the credentials from /__sim/info and resets the store, then: the seed's customer
create (with and without `/rest`), a category under a category, a mixed product batch
(201), `GET order/create` with the order in the query string (signed with its
parameters), a wrong consumer secret (401), and the product designer's callback to a
listener in this process. Exits non-zero if anything differs from what the seed and
Magento answer.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from requests_oauthlib import OAuth1

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8083"
TIMEOUT = 10
requests.post(f"{base}/__sim/reset", timeout=TIMEOUT).raise_for_status()
creds = requests.get(f"{base}/__sim/info", timeout=TIMEOUT).json()["credentials"]


def oauth(secret=None):
    return OAuth1(
        creds["consumer_key"],
        client_secret=secret or creds["consumer_secret"],
        resource_owner_key=creds["access_token"],
        resource_owner_secret=creds["access_token_secret"],
        signature_method=SIGNATURE_HMAC_SHA256,
    )


def post(path, body, auth=None):
    return requests.post(f"{base}{path}", json=body, auth=auth or oauth(), timeout=TIMEOUT)


def expect(resp, status, body=None):
    got = resp.json()
    if resp.status_code != status or (body is not None and got != body):
        sys.exit(f"FAIL {resp.request.method} {resp.url}: {resp.status_code} {got}")
    print(f"ok   {resp.request.method} {resp.url.removeprefix(base)} -> {resp.status_code}")
    return got


# The seed's single-customer example, then the same endpoint as the seed also writes it.
expect(
    post("/rest/V1/customer/create/", {"customer": {"123456": {
        "id": "123456", "first_name": "jessica", "last_name": "vincent",
        "email": "jessica.v@gmail.com"}}}),
    200,
    [{"response": [{"id": "123456", "code": "200", "status": "success",
                    "message": "Customer Created successfully!"}]}],
)
expect(
    post("/V1/customer/create", {"customer": {"1": {"id": "123456", "first_name": "Jess"}}}),
    200,
    [{"response": [{"id": "123456", "code": "200", "status": "success",
                    "message": "Customer Updated successfully!"}]}],
)

# A category under a fixture category: numeric ids echo as numbers.
expect(
    post("/rest/V1/category/create/", {"category": {"a": {
        "id": "501", "name": "Shirts", "parent_id": 1001, "status": 1}}}),
    200,
    [{"response": [{"id": 501, "code": "200", "status": "success",
                    "message": "Category created successfully!"}]}],
)

# A mixed batch: one product in the new category, one whose category was never synced.
expect(
    post("/rest/V1/product/create/", {"product": {
        "a": {"id": 7001, "name": "Tee", "type": "simple", "category_id": "501"},
        "b": {"id": 7002, "name": "Mug", "type": "simple", "category_id": "999"}}}),
    201,
    [{"response": [
        {"id": 7001, "code": 200, "status": "success", "message": "Product Created Successfully!"},
        {"id": 7002, "code": 404, "status": "error",
         "message": "Category Id is not Found! Please sync category first."}]}],
)

# GET order/create: the order in the query string, which OAuth signs.
order = {
    "order[9][order_id]": "9001", "order[9][sub_total]": "22.00",
    "order[9][shipping_address][name]": "PrintXpand",
    "order[9][design_id][]": "1524", "order[9][item_price][]": "22.00",
    "order[9][item_qty][]": "1",
}
expect(
    requests.get(f"{base}/rest/V1/order/create/", params=order, auth=oauth(), timeout=TIMEOUT),
    200,
    [{"response": [{"id": "9001", "code": "200", "status": "success",
                    "message": "Order Created successfully!!"}]}],
)

# A wrong consumer secret: Magento's refusal.
expect(
    post("/rest/V1/customer/create/", {"customer": {}}, auth=oauth(secret="0" * 32)),
    401,
    {"message": "The signature is invalid. Verify and try again."},
)

# The product designer's callback, to a listener in this process.
received = []


class Designer(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        received.append(json.loads(self.rfile.read(length)))
        answer = b'[{"response":"success"}]'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


listener = HTTPServer(("127.0.0.1", 0), Designer)
threading.Thread(target=listener.serve_forever, daemon=True).start()
endpoint = f"http://127.0.0.1:{listener.server_port}/designer"
settings = requests.get(f"{base}/__sim/settings", timeout=TIMEOUT).json()
settings["designer_endpoint"] = endpoint
requests.put(f"{base}/__sim/settings", json=settings, timeout=TIMEOUT).raise_for_status()
expect(
    post("/rest/V1/product/create/", {"product": {"a": {
        "id": 7003, "name": "Designer Tee", "type": "simple", "enable_product_designer": 1,
        "images": [{"src": "http://img.example/tee.png"}]}}}),
    200,
)
log = requests.get(f"{base}/__sim/webhooks?wait_ms=5000", timeout=TIMEOUT).json()
delivered = [d for d in log["deliveries"] if d["url"] == endpoint and d["state"] == "delivered"]
want = {"image_url": "http://img.example/tee.png",
        "designer_url": f"{base}/productdesigner/index/index/id/7003",
        "enable_product_designer": 1, "integration_product_id": 7003}
if len(delivered) != 1 or received != [want]:
    sys.exit(f"FAIL designer callback: log {log}, received {received}")
print("ok   designer callback delivered")
settings["designer_endpoint"] = None
requests.put(f"{base}/__sim/settings", json=settings, timeout=TIMEOUT).raise_for_status()
listener.shutdown()
print("all answers as the seed and Magento give them")
