@sim
Feature: an order's lifecycle, driven from Tunetoo's side, announced by signed webhooks

  awaiting_payment → in_process (the shop pays a group of orders on Tunetoo's site) →
  partially_fulfilled → fulfilled (shipments with tracking), or cancelled. The drivers
  are under /__sim/; every status change reaches the shop's order_change_status
  webhook, every shipment its order_fulfilled webhook (registered here with the docs'
  spelling), signed with the shop's secret over the body sent. Deliveries go out
  concurrently, so their order is read from the delivery log, not the receiver.

  Background:
    Given a Tunetoo simulator
    And I am authenticated as the shop
    And the lifecycle mode is explicit
    And a webhook receiver

  Scenario: from creation to fulfilled, every change announced and signed
    When I send POST /v1/webhooks with body:
      """
      {"target": "{receiver_url}", "event": "order_change_status"}
      """
    Then the status is 200
    When I send POST /v1/webhooks with body:
      """
      {"target": "{receiver_url}", "event": "order_fullfilled"}
      """
    Then the status is 200
    When I send POST /v1/orders with body:
      """
      {"shipping_address": {"first_name": "A", "last_name": "B", "address1": "1 rue", "city": "Paris", "country_code": "FR", "zip": "75001"},
       "items": [{"sku_base": "TSH180_856_M", "quantity": 3,
                  "files": [{"zone": "front", "type": "image", "value": "https://x.example/a.png", "collar_distance": "3"}]},
                 {"sku_base": "TSH180_856_XL", "quantity": 1,
                  "files": [{"zone": "back", "type": "image", "value": "https://x.example/b.png", "collar_distance": "4"}]}]}
      """
    Then the status is 200
    And I remember the JSON at "/id" as "order"
    And I remember the JSON at "/items/0/id" as "first"
    When I send POST /__sim/orders/pay with body:
      """
      {"ids": [{order}]}
      """
    Then the status is 200
    And the JSON at "/0/status" is "in_process"
    When I send POST /__sim/orders/{order}/fulfil with body:
      """
      {"items": [{"id": {first}, "quantity": 3}], "tracking_number": "1EXAMPLE1234567",
       "tracking_url": "https://tracking-company.com/tracking?code=1EXAMPLE1234567", "company": "Tracking company"}
      """
    Then the status is 200
    And the JSON at "/status" is "partially_fulfilled"
    When I send POST /__sim/orders/{order}/fulfil with body:
      """
      {}
      """
    Then the JSON at "/status" is "fulfilled"
    And the JSON at "/fulfillments" has 2 items
    When the webhook deliveries have settled
    Then the receiver got 5 webhooks
    And the JSON at "/deliveries/0/event" is "order_change_status"
    And the JSON at "/deliveries/0/body" contains '"status":"in_process"'
    And the JSON at "/deliveries/1/event" is "order_fullfilled"
    And the JSON at "/deliveries/1/body" contains '"tracking_number":"1EXAMPLE1234567"'
    And the JSON at "/deliveries/2/body" contains '"status":"partially_fulfilled"'
    And the JSON at "/deliveries/3/event" is "order_fullfilled"
    And the JSON at "/deliveries/4/body" contains '"status":"fulfilled"'
    When I look at received webhook 1
    Then the webhook is signed with the shop's secret
    When I look at received webhook 2
    Then the webhook is signed with the shop's secret
    When I look at received webhook 3
    Then the webhook is signed with the shop's secret
    When I look at received webhook 4
    Then the webhook is signed with the shop's secret
    When I look at received webhook 5
    Then the webhook is signed with the shop's secret

  Scenario: a fulfilled order cannot be cancelled; an unpaid one can
    When I send POST /v1/orders with body:
      """
      {"shipping_address": {"first_name": "A", "last_name": "B", "address1": "1 rue", "city": "Paris", "country_code": "FR", "zip": "75001"},
       "items": [{"sku_base": "TSH180_856_M", "quantity": 1,
                  "files": [{"zone": "front", "type": "image", "value": "https://x.example/a.png", "collar_distance": "3"}]}]}
      """
    Then I remember the JSON at "/id" as "order"
    When I send POST /__sim/orders/{order}/cancel
    Then the status is 200
    And the JSON at "/status" is "cancelled"
    When I send POST /__sim/orders/pay with body:
      """
      {"ids": [{order}]}
      """
    Then the status is 409
