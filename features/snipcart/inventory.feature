Feature: Snipcart products and inventory, as the products API docs show them

  Seed 002 (the products API): list, get by GUID or user-defined id, inventory PUT
  (Single or Variant), archive by DELETE. The fixture holds the docs' two products,
  HGW and AP1 (a phone with Size and Color dropdowns and two stocked variants).
  Request bodies may be written as the docs write them, in Json.NET's relaxed syntax.

  Background:
    Given a Snipcart simulator
    And I am authenticated

  Scenario: the list is an offset envelope, best sellers first
    When I send GET /api/products?limit=50&offset=0
    Then the status is 200
    And the JSON at "/totalItems" is "2"
    And the JSON at "/offset" is "0"
    And the JSON at "/limit" is "50"
    And the JSON at "/items" has 2 items
    And the JSON at "/items/0/userDefinedId" is "HGW"
    And the JSON at "/items/0/statistics" is '{"numberOfSales": 29, "totalSales": 608.71}'
    And the JSON at "/items/1/userDefinedId" is "AP1"

  Scenario: a product is found by its user-defined id or its GUID
    When I send GET /api/products/AP1
    Then the status is 200
    And the JSON at "/id" is "3932ecd1-6508-4209-a7c6-8da4cc75590d"
    And the JSON at "/inventoryManagementMethod" is "Variant"
    And the JSON at "/totalStock" is "11"
    When I send GET /api/products/3932ecd1-6508-4209-a7c6-8da4cc75590d
    Then the status is 200
    And the JSON at "/userDefinedId" is "AP1"

  Scenario: the docs' inventory PUT, single quotes and all, tracks one stock
    When I send PUT /api/products/AP1 with body:
      """
      { 'inventoryManagementMethod': 'Single', 'stock': 20 }
      """
    Then the status is 200
    And the JSON at "/inventoryManagementMethod" is "Single"
    And the JSON at "/stock" is "20"
    And the JSON at "/totalStock" is "20"
    And the JSON at "/variants" is absent

  Scenario: variant stock adds up, and only real options make a variant
    When I send PUT /api/products/AP1 with body:
      """
      {"inventoryManagementMethod": "variant",
       "variants": [
         {"variation": [{"name": "Size", "option": "32GB"}, {"name": "Color", "option": "Blue"}], "stock": 5},
         {"variation": [{"name": "Size", "option": "128GB"}], "stock": 2, "allowOutOfStockPurchases": true}
       ]}
      """
    Then the status is 200
    And the JSON at "/totalStock" is "7"
    And the JSON at "/variants/1/allowOutOfStockPurchases" is "true"
    When I send PUT /api/products/AP1 with body:
      """
      {"inventoryManagementMethod": "Variant",
       "variants": [{"variation": [{"name": "Size", "option": "64GB"}], "stock": 1}]}
      """
    Then the status is 400
    When I send GET /api/products/AP1
    Then the JSON at "/totalStock" is "7"

  Scenario: DELETE archives; archived products leave the list but stay readable
    When I send DELETE /api/products/HGW
    Then the status is 200
    And the JSON at "/archived" is "true"
    When I send GET /api/products
    Then the JSON at "/totalItems" is "1"
    When I send GET /api/products?archived=true
    Then the JSON at "/items/0/userDefinedId" is "HGW"

  Scenario: each key sees its own mode's data
    Given I am authenticated with the Live key
    When I send GET /api/products
    Then the status is 200
    And the JSON at "/totalItems" is "0"
    When I send GET /api/products/AP1
    Then the status is 404

  Scenario: a wrong key is refused with one body
    Given the request header "Authorization" is "Basic d3Jvbmc6"
    When I send GET /api/products
    Then the status is 401
    And the body is JSON:
      """
      {"message": "Authorization has been denied for this request."}
      """

  Scenario: a request that does not accept JSON is refused
    Given the request header "Accept" is "text/html"
    When I send GET /api/products
    Then the status is 406
