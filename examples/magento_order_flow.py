#!/usr/bin/env python3
"""An order's whole life against `cartsim serve`, checked step by step (issue 4).

    cargo run --release -p cartsim -- serve --only magento &
    python3 examples/magento_order_flow.py [http://127.0.0.1:8081]

Creates a product with 10 units at ua-warehouse, places a guest order for 2 through
the guest-cart flow, then invoices it, ships it from ua-warehouse and refunds it with
the items returned to stock. After every step it checks the order's state and status,
the ua-warehouse quantity and the salable quantity on stock 2 (the website's), and
prints them. Uses only `requests`. Exits non-zero at the first difference.
"""
import sys
import time

import requests

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8081"
info = requests.get(f"{base}/__sim/info", timeout=10).json()
rest = f"{info['base_url']}/rest/V1"
creds = info["credentials"]
token = requests.post(f"{rest}/integration/admin/token", timeout=10,
                      json={"username": creds["admin_username"],
                            "password": creds["admin_password"]}).json()
admin = {"Authorization": f"Bearer {token}"}
sku = "flow-%d" % time.time_ns()


def call(method, path, body=None, headers=None, status=200):
    resp = requests.request(method, f"{rest}{path}", json=body, headers=headers, timeout=10)
    if resp.status_code != status:
        sys.exit(f"FAIL {method} {path}: {resp.status_code} {resp.text}")
    return resp.json()


def check(step, state, status, source_qty, salable):
    order = call("GET", f"/orders/{order_id}", headers=admin)
    items = call("GET", "/inventory/source-items?searchCriteria[filter_groups][0][filters][0]"
                 f"[field]=sku&searchCriteria[filter_groups][0][filters][0][value]={sku}",
                 headers=admin)["items"]
    ua = next(i["quantity"] for i in items if i["source_code"] == "ua-warehouse")
    sal = call("GET", f"/inventory/get-product-salable-quantity/{sku}/2", headers=admin)
    got = (order["state"], order["status"], ua, sal)
    print(f"{step:<10} state={got[0]:<10} status={got[1]:<10} ua-warehouse={got[2]:<4} salable={got[3]}")
    if got != (state, status, source_qty, salable):
        sys.exit(f"FAIL after {step}: expected {(state, status, source_qty, salable)}, got {got}")


call("POST", "/products", {"product": {"sku": sku, "name": f"Flow {sku}", "price": 20}}, admin)
call("POST", "/inventory/source-items", {"sourceItems": [
    {"sku": sku, "source_code": "ua-warehouse", "quantity": 10, "status": 1}]}, admin)

address = {"firstname": "Jane", "lastname": "Doe", "street": ["123 Oak Ave"], "city": "Purchase",
           "region_code": "NY", "region_id": 43, "postcode": "10577", "country_id": "US",
           "telephone": "512-555-1111", "email": "jdoe@example.com"}
cart = call("POST", "/guest-carts")
call("POST", f"/guest-carts/{cart}/items", {"cartItem": {"sku": sku, "qty": 2, "quote_id": cart}})
call("POST", f"/guest-carts/{cart}/shipping-information", {"addressInformation": {
    "shipping_address": address, "billing_address": address,
    "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}})
order_id = call("POST", f"/guest-carts/{cart}/payment-information",
                {"email": "jdoe@example.com", "paymentMethod": {"method": "checkmo"}})
check("placed", "new", "pending", 10, 8)

call("POST", f"/order/{order_id}/invoice", {"capture": True}, admin)
check("invoiced", "processing", "processing", 10, 8)

call("POST", f"/order/{order_id}/ship", {"arguments": {"extension_attributes": {
    "source_code": "ua-warehouse"}}}, admin)
check("shipped", "complete", "complete", 8, 8)

item_id = call("GET", f"/orders/{order_id}", headers=admin)["items"][0]["item_id"]
call("POST", f"/order/{order_id}/refund", {"arguments": {"extension_attributes": {
    "return_to_stock_items": [item_id]}}}, admin)
check("refunded", "closed", "closed", 10, 10)

body = call("POST", f"/order/{order_id}/invoice", {}, admin, status=400)
print("refused:", body["message"].replace("\n", " / "))
print("ok")
