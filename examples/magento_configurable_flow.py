#!/usr/bin/env python3
"""A real OAuth 1.0a client (requests-oauthlib, HMAC-SHA256) syncing a configurable
product into `cartsim serve` the way an ERP connector does, then buying a child
through a guest cart and shipping it with a track.

    cargo run --release -p cartsim -- serve --only magento &
    pip install requests-oauthlib
    python3 examples/magento_configurable_flow.py [http://127.0.0.1:8081]

Exits non-zero if anything differs from what Magento 2.4 answers.
"""
import sys
import time

import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from requests_oauthlib import OAuth1

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8081"
rest = f"{base}/rest/V1"
creds = requests.get(f"{base}/__sim/info", timeout=10).json()["credentials"]
auth = OAuth1(
    creds["consumer_key"],
    client_secret=creds["consumer_secret"],
    resource_owner_key=creds["access_token"],
    resource_owner_secret=creds["access_token_secret"],
    signature_method=SIGNATURE_HMAC_SHA256,
)
suffix = str(int(time.time() * 1000))


def call(method, path, body=None, status=200, signed=True):
    resp = requests.request(
        method, f"{rest}{path}", json=body, auth=auth if signed else None, timeout=10
    )
    if resp.status_code != status:
        sys.exit(f"FAIL {method} {path}: {resp.status_code} {resp.text}")
    print(f"ok   {method} {path} -> {resp.status_code}")
    return resp.json()


PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

size = call("POST", "/products/attributes", {"attribute": {
    "attribute_code": f"size_{suffix[-8:]}", "frontend_input": "select",
    "default_frontend_label": "Size", "options": [{"label": "S"}, {"label": "M"}]}})
code = size["attribute_code"]
small, medium = size["options"][1]["value"], size["options"][2]["value"]
category = call("POST", "/categories", {"category": {"parent_id": 2, "name": f"Hoodies {suffix}", "is_active": True}})

children = []
for label, value in (("s", small), ("m", medium)):
    sku = f"hoodie-{label}-{suffix}"
    child = call("POST", "/products", {"product": {
        "sku": sku, "name": sku, "type_id": "simple", "attribute_set_id": 4, "price": 40,
        "status": 1, "visibility": 1,
        "custom_attributes": [{"attribute_code": code, "value": value}],
        "extension_attributes": {"category_links": [{"category_id": str(category["id"]), "position": 0}]},
        "media_gallery_entries": [{"media_type": "image", "label": "front", "position": 1, "disabled": False,
                                   "types": ["image", "small_image", "thumbnail"],
                                   "content": {"base64_encoded_data": PNG, "type": "image/png", "name": "hoodie.png"}}],
    }})
    children.append(child["id"])
    # The seed's `base` website sells from stock 2.
    call("POST", "/inventory/source-items", {"sourceItems": [
        {"sku": sku, "source_code": "us-warehouse", "quantity": 5, "status": 1}]})

parent_sku = f"hoodie-{suffix}"
call("POST", "/products", {"product": {
    "sku": parent_sku, "name": "Hoodie", "type_id": "configurable", "attribute_set_id": 4, "price": 40,
    "status": 1, "visibility": 4,
    "extension_attributes": {"stock_item": {"is_in_stock": True}}}})
option_id = call("POST", f"/configurable-products/{parent_sku}/options", {"option": {
    "attribute_id": size["attribute_id"], "label": "Size", "position": 0,
    "values": [{"value_index": int(small)}, {"value_index": int(medium)}]}})
for label in ("s", "m"):
    call("POST", f"/configurable-products/{parent_sku}/child", {"childSku": f"hoodie-{label}-{suffix}"})
options = call("GET", f"/configurable-products/{parent_sku}/options/all")
assert options[0]["id"] == option_id, options
call("POST", "/products/special-price", {"prices": [
    {"sku": f"hoodie-m-{suffix}", "price": 35, "store_id": 0,
     "price_from": "2020-01-01 00:00:00", "price_to": "2040-01-01 00:00:00"}]})

# A guest buys the medium one.
cart = call("POST", "/guest-carts", signed=False)
item = call("POST", f"/guest-carts/{cart}/items", {"cartItem": {
    "sku": parent_sku, "qty": 1, "quote_id": cart,
    "product_option": {"extension_attributes": {"configurable_item_options": [
        {"option_id": str(size["attribute_id"]), "option_value": int(medium)}]}}}}, signed=False)
assert item["sku"] == f"hoodie-m-{suffix}" and item["price"] == 35, item
address = {"firstname": "Jane", "lastname": "Doe", "street": ["1 Main St"], "city": "Austin",
           "region_id": 57, "region": "Texas", "postcode": "78701", "country_id": "US",
           "telephone": "5125550100", "email": "jane@example.com"}
call("POST", f"/guest-carts/{cart}/shipping-information", {"addressInformation": {
    "shipping_address": address, "billing_address": address,
    "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}}, signed=False)
order_id = call("POST", f"/guest-carts/{cart}/payment-information",
                {"email": "jane@example.com", "paymentMethod": {"method": "checkmo"}}, signed=False)
salable = call("GET", f"/inventory/get-product-salable-quantity/hoodie-m-{suffix}/2")
assert salable == 4, salable
shipment = call("POST", f"/order/{order_id}/ship", {"tracks": [
    {"track_number": "1Z999AA10123456784", "title": "UPS", "carrier_code": "ups"}]})
read = call("GET", f"/shipment/{shipment}")
assert read["tracks"][0]["track_number"] == "1Z999AA10123456784", read
print("all answers as Magento 2.4 gives them")
