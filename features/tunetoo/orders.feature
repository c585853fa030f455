Feature: Tunetoo orders

  Seed 004 ("Commandes"): POST /orders with the shipping address and the items
  (sku_base MODEL_COLOR_SIZE, quantity, print files); the answer is the order, awaiting
  payment, each item with its personalised sku, prices from the catalogue, in EUR.

  Background:
    Given a Tunetoo simulator
    And I am authenticated as the shop

  Scenario: the docs' order, its zip a number
    When I send POST /v1/orders with body:
      """
      {"external": {"id": 1, "options": [{"name": "commande-tunetoo", "value": "Commande Tunetoo"}]},
       "shipping_address": {"first_name": "Hewitt", "last_name": "Santos", "address1": "242 Remsen Avenue", "address2": "",
         "city": "Bagtown", "country": "France", "country_code": "FR", "zip": 75001, "phone": "0611223344", "email": "hewitt@santos.fr"},
       "items": [{"external": {"id": 26, "options": []}, "sku_base": "TSH180_856_M", "quantity": 15,
         "files": [{"zone": "front", "type": "image", "value": "https://www.tunetoo.com/images/impression.png", "collar_distance": "3"}]}]}
      """
    Then the status is 200
    And the JSON at "/status" is "awaiting_payment"
    And the JSON at "/shipping_address/zip" is '"75001"'
    And the JSON at "/items/0/sku" is "100000_3"
    And the JSON at "/items/0/price" is "10.2"
    And the JSON at "/price" is '{"subtotal": 153.0, "shipping": 0.0, "tax": 30.6, "total": 183.6}'
    And the JSON at "/currency" is "EUR"
    And I remember the JSON at "/id" as "order"
    When I send GET /v1/orders/{order}
    Then the status is 200
    And the JSON at "/items/0/sku_base" is "TSH180_856_M"
    When I send GET /v1/orders?status=awaiting_payment
    Then the JSON at "" has 1 item
    When I send GET /v1/orders?status=in_process
    Then the JSON at "" has 0 items

  Scenario: an unknown product is unprocessable
    When I send POST /v1/orders with body:
      """
      {"shipping_address": {"first_name": "A", "last_name": "B", "address1": "1 rue", "city": "Paris", "country_code": "FR", "zip": "75001"},
       "items": [{"sku_base": "TSH180_000_M", "quantity": 1,
         "files": [{"zone": "back", "type": "image", "value": "https://x.example/a.png", "collar_distance": 5}]}]}
      """
    Then the status is 422
    And the body is JSON:
      """
      {"code": "error", "message": "Unknown product: TSH180_000_M", "data": {"status": 422}}
      """

  Scenario: an item without files is a bad request
    When I send POST /v1/orders with body:
      """
      {"shipping_address": {"first_name": "A", "last_name": "B", "address1": "1 rue", "city": "Paris", "country_code": "FR", "zip": "75001"},
       "items": [{"sku_base": "TSH180_856_M", "quantity": 1}]}
      """
    Then the status is 400
    And the JSON at "/message" is "items[0].files must list at least one file"

  Scenario: the catalogue lists models, colours, sizes and variants
    When I send GET /v1/products
    Then the status is 200
    And the JSON at "/1/sku" is "JH001"
    And the JSON at "/1/brand" is "Ralawise"
    And the JSON at "/1/variants/0/sku" is "JH001_476_XS"
    And the JSON at "/1/variants/0/in_stock" is "true"
