@sim
Feature: Magento guest checkout

  A guest cart behind a 32-character masked id, items checked against the salable
  quantity of the website's stock (stock 2: ua-warehouse and us-warehouse), flat-rate
  and free shipping from the fixture, offline payment, and placement: an order in state
  new / status pending, an order_placed reservation, and the cart closed.

  Every scenario creates its product and stock first, so they all carry the sim tag.

  Background:
    Given a Magento simulator
    And I am authenticated as the integration
    When I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "tee", "name": "Radiant Tee", "price": 22, "weight": 1}}
      """
    And I send POST /rest/V1/inventory/source-items with body:
      """
      {"sourceItems": [{"sku": "tee", "source_code": "ua-warehouse", "quantity": 3, "status": 1}]}
      """
    And I send POST /rest/V1/guest-carts
    And I remember the JSON at "" as "cart"

  Scenario: the happy path places a pending order and holds the stock
    When I send POST /rest/V1/guest-carts/{cart}/items with body:
      """
      {"cartItem": {"sku": "tee", "qty": 2, "quote_id": "{cart}"}}
      """
    Then the status is 200
    And the JSON at "/qty" is "2"
    And the JSON at "/price" is "22"
    When I send POST /rest/V1/guest-carts/{cart}/estimate-shipping-methods with body:
      """
      {"address": {"country_id": "US", "postcode": "10577"}}
      """
    Then the status is 200
    And the JSON at "/0/carrier_code" is "flatrate"
    And the JSON at "/0/amount" is "10"
    When I send POST /rest/V1/guest-carts/{cart}/shipping-information with body:
      """
      {"addressInformation": {
        "shipping_address": {"firstname": "Jane", "lastname": "Doe", "street": ["123 Oak Ave"], "city": "Purchase",
                             "region_code": "NY", "region_id": 43, "postcode": "10577", "country_id": "US",
                             "telephone": "512-555-1111", "email": "jdoe@example.com"},
        "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}}
      """
    Then the status is 200
    And the JSON at "/totals/grand_total" is "54"
    And the JSON at "/payment_methods/0/code" is "checkmo"
    When I send POST /rest/V1/guest-carts/{cart}/payment-information with body:
      """
      {"email": "jdoe@example.com", "paymentMethod": {"method": "checkmo"}}
      """
    Then the status is 200
    And the body is JSON:
      """
      "1"
      """
    When I send GET /rest/V1/orders/1
    Then the status is 200
    And the JSON at "/increment_id" is '"000000001"'
    And the JSON at "/state" is "new"
    And the JSON at "/status" is "pending"
    And the JSON at "/grand_total" is "54"
    And the JSON at "/customer_is_guest" is "1"
    When I send GET /rest/V1/inventory/get-product-salable-quantity/tee/2
    Then the body is JSON:
      """
      1
      """
    When I send GET /rest/V1/stockItems/tee
    Then the JSON at "/qty" is "0"
    When I send GET /rest/V1/guest-carts/{cart}
    Then the status is 404

  Scenario: more than the salable quantity cannot be added
    When I send POST /rest/V1/guest-carts/{cart}/items with body:
      """
      {"cartItem": {"sku": "tee", "qty": 4}}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "The requested qty is not available"}
      """

  Scenario: an unknown cart
    When I send GET /rest/V1/guest-carts/nosuchcart
    Then the status is 404
    And the body is JSON:
      """
      {"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "cartId", "fieldValue": null}}
      """

  Scenario: shipping information needs an address
    When I send POST /rest/V1/guest-carts/{cart}/items with body:
      """
      {"cartItem": {"sku": "tee", "qty": 1}}
      """
    And I send POST /rest/V1/guest-carts/{cart}/shipping-information with body:
      """
      {"addressInformation": {"shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "The shipping address is missing. Set the address and try again."}
      """

  Scenario: placement without a payment method
    When I send POST /rest/V1/guest-carts/{cart}/items with body:
      """
      {"cartItem": {"sku": "tee", "qty": 1}}
      """
    And I send POST /rest/V1/guest-carts/{cart}/shipping-information with body:
      """
      {"addressInformation": {
        "shipping_address": {"firstname": "Jane", "lastname": "Doe", "street": ["1 Main St"], "city": "Austin",
                             "postcode": "78701", "country_id": "US", "telephone": "5125551111", "email": "j@example.com"},
        "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}}
      """
    And I send PUT /rest/V1/guest-carts/{cart}/order with body:
      """
      {}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Enter a valid payment method and try again."}
      """
