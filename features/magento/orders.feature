@sim
Feature: Magento order lifecycle

  An order placed by guest checkout is invoiced, shipped and refunded through
  /V1/order/{id}/invoice|ship|refund, canceled, held and commented through
  /V1/orders/{id}/…; each call moves the order along Magento's state graph and each
  refusal answers Magento's exact body. Shipping takes the goods out of a source; the
  salable quantity on stock 2 (ua-warehouse + us-warehouse, website base) only moves
  at placement, cancellation and refund.

  Every scenario places an order first and expects the fixture's ids, so the whole
  feature carries the sim tag.

  Background:
    Given a Magento simulator
    And I am authenticated as the integration
    When I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "ord-tee", "name": "Order Tee", "price": 10, "attribute_set_id": 4,
                   "type_id": "simple", "status": 1, "visibility": 4}}
      """
    Then the status is 200
    When I send POST /rest/V1/inventory/source-items with body:
      """
      {"sourceItems": [
        {"sku": "ord-tee", "source_code": "ua-warehouse", "quantity": 10, "status": 1},
        {"sku": "ord-tee", "source_code": "us-warehouse", "quantity": 5, "status": 1}]}
      """
    Then the status is 200
    When I send POST /rest/V1/guest-carts
    Then the status is 200
    And I remember the JSON at "" as "cart"
    When I send POST /rest/V1/guest-carts/{cart}/items with body:
      """
      {"cartItem": {"sku": "ord-tee", "qty": 2, "quote_id": "{cart}"}}
      """
    Then the status is 200
    And I remember the JSON at "/item_id" as "quote_item"
    When I send POST /rest/V1/guest-carts/{cart}/shipping-information with body:
      """
      {"addressInformation": {
        "shipping_address": {"firstname": "Jane", "lastname": "Doe", "street": ["123 Oak Ave"],
          "city": "Purchase", "postcode": "10577", "country_id": "US", "telephone": "512-555-1111",
          "email": "jdoe@example.com", "region_id": 43, "region_code": "NY", "region": "New York"},
        "billing_address": {"firstname": "Jane", "lastname": "Doe", "street": ["123 Oak Ave"],
          "city": "Purchase", "postcode": "10577", "country_id": "US", "telephone": "512-555-1111",
          "email": "jdoe@example.com", "region_id": 43, "region_code": "NY", "region": "New York"},
        "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}}
      """
    Then the status is 200
    When I send POST /rest/V1/guest-carts/{cart}/payment-information with body:
      """
      {"email": "jdoe@example.com", "paymentMethod": {"method": "checkmo"}}
      """
    Then the status is 200
    And I remember the JSON at "" as "order"
    When I send GET /rest/V1/orders/{order}
    Then I remember the JSON at "/items/0/item_id" as "item"

  Scenario: invoice, ship from ua-warehouse, refund with return to stock
    When I send GET /rest/V1/inventory/get-product-salable-quantity/ord-tee/2
    Then the body is "13"
    When I send POST /rest/V1/order/{order}/invoice with body:
      """
      {"capture": false, "notify": false}
      """
    Then the status is 200
    And the body is JSON:
      """
      "1"
      """
    When I send GET /rest/V1/orders/{order}
    Then the JSON at "/state" is "processing"
    And the JSON at "/status" is "processing"
    And the JSON at "/items/0/qty_invoiced" is "2"
    And the JSON at "/total_paid" is "30"
    When I send POST /rest/V1/order/{order}/ship with body:
      """
      {"items": [{"order_item_id": {item}, "qty": 2}],
       "tracks": [{"track_number": "1Y-9876543210", "title": "United Parcel Service", "carrier_code": "ups"}],
       "arguments": {"extension_attributes": {"source_code": "ua-warehouse"}}}
      """
    Then the status is 200
    And the body is JSON:
      """
      "1"
      """
    When I send GET /rest/V1/orders/{order}
    Then the JSON at "/state" is "complete"
    And the JSON at "/status" is "complete"
    And the JSON at "/items/0/qty_shipped" is "2"
    When I send GET /rest/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=ord-tee&searchCriteria[filter_groups][1][filters][0][field]=source_code&searchCriteria[filter_groups][1][filters][0][value]=ua-warehouse
    Then the JSON at "/items/0/quantity" is "8"
    When I send GET /rest/V1/inventory/get-product-salable-quantity/ord-tee/2
    Then the body is "13"
    When I send POST /rest/V1/order/{order}/refund with body:
      """
      {"items": [{"order_item_id": {item}, "qty": 2}], "notify": true,
       "arguments": {"shipping_amount": 10, "adjustment_positive": 0, "adjustment_negative": 0,
                     "extension_attributes": {"return_to_stock_items": [{item}]}}}
      """
    Then the status is 200
    And the body is JSON:
      """
      "1"
      """
    When I send GET /rest/V1/orders/{order}
    Then the JSON at "/state" is "closed"
    And the JSON at "/status" is "closed"
    And the JSON at "/total_refunded" is "30"
    And the JSON at "/status_histories/0/comment" is "We refunded $30.00 offline."
    When I send GET /rest/V1/inventory/get-product-salable-quantity/ord-tee/2
    Then the body is "15"
    When I send GET /rest/V1/creditmemo/1
    Then the status is 200
    And the JSON at "/order_id" is "{order}"
    And the JSON at "/grand_total" is "30"
    When I send GET /rest/V1/shipment/1
    Then the JSON at "/extension_attributes/source_code" is "ua-warehouse"
    And the JSON at "/tracks/0/carrier_code" is "ups"
    When I send GET /rest/V1/invoices?searchCriteria[filter_groups][0][filters][0][field]=order_id&searchCriteria[filter_groups][0][filters][0][value]={order}
    Then the status is 200
    And the JSON at "/total_count" is "1"
    And the JSON at "/items/0/increment_id" is "000000001"

  Scenario: a partial invoice and a partial shipment keep the order processing
    When I send POST /rest/V1/order/{order}/invoice with body:
      """
      {"items": [{"order_item_id": {item}, "qty": 1}]}
      """
    Then the status is 200
    When I send POST /rest/V1/order/{order}/ship with body:
      """
      {"items": [{"order_item_id": {item}, "qty": 1}]}
      """
    Then the status is 200
    When I send GET /rest/V1/orders/{order}
    Then the JSON at "/state" is "processing"
    And the JSON at "/items/0/qty_invoiced" is "1"
    And the JSON at "/items/0/qty_shipped" is "1"
    And the JSON at "/total_invoiced" is "20"

  Scenario: an invoice for an order on hold is refused
    When I send POST /rest/V1/orders/{order}/hold
    Then the status is 200
    And the body is "true"
    When I send POST /rest/V1/order/{order}/invoice
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Invoice Document Validation Error(s):\nAn invoice cannot be created when an order has a status of holded"}
      """

  Scenario: an invoice when everything is invoiced is refused
    When I send POST /rest/V1/order/{order}/invoice
    Then the status is 200
    When I send POST /rest/V1/order/{order}/invoice
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Invoice Document Validation Error(s):\nThe order does not allow an invoice to be created."}
      """

  Scenario: an invoice for a complete order is refused
    When I send POST /rest/V1/order/{order}/invoice
    And I send POST /rest/V1/order/{order}/ship
    And I send POST /rest/V1/order/{order}/invoice
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Invoice Document Validation Error(s):\nAn invoice cannot be created when an order has a status of complete"}
      """

  Scenario: a shipment for a canceled order is refused
    When I send POST /rest/V1/orders/{order}/cancel
    Then the body is "true"
    When I send POST /rest/V1/order/{order}/ship
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Shipment Document Validation Error(s):\nA shipment cannot be created when an order has a status of canceled"}
      """

  Scenario: a shipment when everything is shipped is refused
    When I send POST /rest/V1/order/{order}/ship
    Then the status is 200
    When I send POST /rest/V1/order/{order}/ship
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created."}
      """

  Scenario: a shipment of lines that are not in the order is refused
    When I send POST /rest/V1/order/{order}/ship with body:
      """
      {"items": [{"order_item_id": 999, "qty": 1}]}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Shipment Document Validation Error(s):\nYou can't create a shipment without products."}
      """

  Scenario: a refund before any invoice is refused
    When I send POST /rest/V1/order/{order}/refund
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Creditmemo Document Validation Error(s):\nThe order does not allow a creditmemo to be created.\nWe can't create creditmemo for the order."}
      """

  Scenario: a refund for a closed order is refused
    When I send POST /rest/V1/order/{order}/invoice
    And I send POST /rest/V1/order/{order}/refund
    Then the status is 200
    When I send GET /rest/V1/orders/{order}
    Then the JSON at "/state" is "closed"
    When I send POST /rest/V1/order/{order}/refund
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Creditmemo Document Validation Error(s):\nA creditmemo can not be created when an order has a status of closed"}
      """

  Scenario: cancel answers true once, then false
    When I send POST /rest/V1/orders/{order}/cancel
    Then the status is 200
    And the body is "true"
    When I send GET /rest/V1/orders/{order}
    Then the JSON at "/state" is "canceled"
    And the JSON at "/items/0/qty_canceled" is "2"
    When I send GET /rest/V1/inventory/get-product-salable-quantity/ord-tee/2
    Then the body is "15"
    When I send POST /rest/V1/orders/{order}/cancel
    Then the status is 200
    And the body is "false"

  Scenario: a fully invoiced order cannot be canceled
    When I send POST /rest/V1/order/{order}/invoice
    And I send POST /rest/V1/orders/{order}/cancel
    Then the status is 200
    And the body is "false"

  Scenario: hold and unhold
    When I send POST /rest/V1/orders/{order}/hold
    Then the body is "true"
    When I send GET /rest/V1/orders/{order}
    Then the JSON at "/state" is "holded"
    And the JSON at "/hold_before_status" is "pending"
    When I send POST /rest/V1/orders/{order}/hold
    Then the status is 400
    And the body is JSON:
      """
      {"message": "A hold action is not available."}
      """
    When I send POST /rest/V1/orders/{order}/unhold
    Then the body is "true"
    When I send GET /rest/V1/orders/{order}
    Then the JSON at "/state" is "new"
    And the JSON at "/status" is "pending"
    When I send POST /rest/V1/orders/{order}/unhold
    Then the status is 400
    And the body is JSON:
      """
      {"message": "You cannot remove the hold."}
      """

  Scenario: a comment with a status relabels the order
    When I send POST /rest/V1/orders/{order}/comments with body:
      """
      {"statusHistory": {"comment": "Waiting for the bank", "is_customer_notified": 0,
                         "is_visible_on_front": 0, "status": "pending_bank"}}
      """
    Then the status is 200
    And the body is "true"
    When I send GET /rest/V1/orders/{order}
    Then the JSON at "/state" is "new"
    And the JSON at "/status" is "pending_bank"
    And the JSON at "/status_histories/0/comment" is "Waiting for the bank"

  Scenario: saving an order forces its state and status
    When I send POST /rest/V1/orders with body:
      """
      {"entity": {"entity_id": {order}, "state": "processing", "status": "in_production"}}
      """
    Then the status is 200
    And the JSON at "/state" is "processing"
    And the JSON at "/status" is "in_production"
    And the JSON at "/entity_id" is "{order}"

  Scenario: the lifecycle of an unknown order is a 404
    When I send POST /rest/V1/order/999/invoice
    Then the status is 404
    And the body is JSON:
      """
      {"message": "The entity that was requested doesn't exist. Verify the entity and try again."}
      """
    When I send POST /rest/V1/orders/999/cancel
    Then the status is 404
    When I send GET /rest/V1/creditmemo/999
    Then the status is 404
