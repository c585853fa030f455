Feature: orders come from checkouts; status changes are announced by webhook

  A Snipcart order comes into being at a storefront checkout, driven here by
  POST /__sim/checkout. The merchant then moves it with PUT /orders/{token}; each change
  of status is announced to the dashboard's webhook URLs as order.status.changed with
  `from` and `to`. Every webhook carries X-Snipcart-RequestToken, which
  GET /api/requestvalidation/{token} confirms once (200) and never again (404).

  Background:
    Given a Snipcart simulator
    And I am authenticated
    And a webhook receiver
    And Snipcart sends its webhooks to the receiver

  Scenario: a checkout takes the variant's stock and completes an order
    When I send POST /__sim/checkout with body:
      """
      {"email": "ada@example.com", "billingAddress": {"name": "Ada Lovelace", "country": "GB"},
       "items": [{"id": "AP1", "quantity": 2,
                  "customFields": [{"name": "Size", "value": "16GB"}, {"name": "Color", "value": "Black"}]}]}
      """
    Then the status is 200
    And the JSON at "/invoiceNumber" is "SNIP-0001"
    And the JSON at "/status" is "Processed"
    And the JSON at "/paymentStatus" is "Paid"
    And I remember the JSON at "/token" as "order"
    When I send GET /api/products/AP1
    Then the JSON at "/variants/0/stock" is "8"
    And the JSON at "/totalStock" is "9"
    And the JSON at "/statistics/numberOfSales" is "2"
    When I send GET /api/orders/{order}
    Then the status is 200
    And the JSON at "/email" is "ada@example.com"
    When I send GET /api/orders?productId=AP1
    Then the JSON at "/totalItems" is "1"
    When the webhook deliveries have settled
    Then the receiver got 1 webhook
    When I look at received webhook 1
    Then the JSON at "/eventName" is "order.completed"
    And the JSON at "/mode" is "Test"
    And the JSON at "/content/token" is "{order}"

  Scenario: PUT to Shipped announces order.status.changed with a token that validates once
    When I send POST /__sim/checkout with body:
      """
      {"email": "ada@example.com", "billingAddress": {"name": "Ada Lovelace"},
       "items": [{"id": "AP1", "quantity": 1,
                  "customFields": [{"name": "Size", "value": "16GB"}, {"name": "Color", "value": "Black"}]}]}
      """
    Then the status is 200
    And I remember the JSON at "/token" as "order"
    # Deliveries run concurrently: settle before each change to know which came first.
    When the webhook deliveries have settled
    And I send PUT /api/orders/{order} with body:
      """
      {'status': 'shipped'}
      """
    Then the status is 200
    And the JSON at "/status" is "Shipped"
    When the webhook deliveries have settled
    Then the receiver got 2 webhooks
    When I look at received webhook 2
    Then the JSON at "/eventName" is "order.status.changed"
    And the JSON at "/from" is "Processed"
    And the JSON at "/to" is "Shipped"
    And the JSON at "/content/status" is "Shipped"
    When I remember the header "x-snipcart-requesttoken" as "hook_token"
    And I send GET /api/requestvalidation/{hook_token}
    Then the status is 200
    And the JSON at "/token" is "{hook_token}"
    When I send GET /api/requestvalidation/{hook_token}
    Then the status is 404
    When I send PUT /api/orders/{order} with body:
      """
      {"trackingNumber": "TRACK-1", "trackingUrl": "https://track.example/TRACK-1"}
      """
    And the webhook deliveries have settled
    Then the receiver got 3 webhooks
    When I look at received webhook 3
    Then the JSON at "/eventName" is "order.trackingNumber.changed"
    And the JSON at "/trackingNumber" is "TRACK-1"

  Scenario: an out-of-stock variant refuses the checkout and nothing changes
    When I send POST /__sim/checkout with body:
      """
      {"email": "ada@example.com", "billingAddress": {"name": "Ada Lovelace"},
       "items": [{"id": "AP1", "quantity": 2,
                  "customFields": [{"name": "Size", "value": "32GB"}, {"name": "Color", "value": "Red"}]}]}
      """
    Then the status is 422
    And the JSON at "/errors/0/key" is "out-of-stock"
    When I send GET /api/products/AP1
    Then the JSON at "/totalStock" is "11"
    When I send GET /api/orders
    Then the JSON at "/totalItems" is "0"
    When the webhook deliveries have settled
    Then the receiver got 0 webhooks

  Scenario: an unknown status is refused
    When I send POST /__sim/checkout with body:
      """
      {"email": "ada@example.com", "billingAddress": {"name": "Ada Lovelace"},
       "items": [{"id": "AP1", "quantity": 1,
                  "customFields": [{"name": "Size", "value": "16GB"}, {"name": "Color", "value": "Black"}]}]}
      """
    And I remember the JSON at "/token" as "order"
    And I send PUT /api/orders/{order} with body:
      """
      {"status": "Teleported"}
      """
    Then the status is 400
    And the JSON at "/message" contains "Teleported"

  Scenario: a customer who edits their account is announced as customauth:customer_updated
    When I send POST /__sim/checkout with body:
      """
      {"email": "ada@example.com", "billingAddress": {"name": "Ada Lovelace"},
       "items": [{"id": "HGW", "quantity": 1}]}
      """
    Then the status is 200
    When I send GET /api/customers?email=ada@example.com
    Then the JSON at "/totalItems" is "1"
    And the JSON at "/items/0/statistics/ordersCount" is "1"
    And I remember the JSON at "/items/0/id" as "customer"
    When the webhook deliveries have settled
    And I send PUT /__sim/customers/{customer} with body:
      """
      {"billingAddress": {"fullName": "Ada King", "city": "London", "country": "GB"}, "createAccount": true}
      """
    Then the status is 200
    And the JSON at "/status" is "Confirmed"
    And the JSON at "/billingAddressCity" is "London"
    When the webhook deliveries have settled
    Then the receiver got 2 webhooks
    When I look at received webhook 2
    Then the JSON at "/eventName" is "customauth:customer_updated"
    And the JSON at "/content/id" is "{customer}"
    And the JSON at "/content/email" is "ada@example.com"
    And the JSON at "/content/statistics/ordersCount" is "1"
    When I send PUT /__sim/customers/nobody with body:
      """
      {"createAccount": true}
      """
    Then the status is 404
