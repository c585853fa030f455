Feature: POST /products crawls a page and imports the products it defines

  Snipcart has no product-creation call: products come from a crawl of a page
  (`POST /products {"fetchUrl"}`, seed 002). The crawler reads every element with the
  class snipcart-add-item and its data-item-* attributes (HTML), or a JSON document when
  the page is served as application/json, and answers the array of products found. It
  sends `User-Agent: Snipcart/1.0`, `X-Snipcart-Purpose: Crawling` and a request token
  the page's server may check once with GET /api/requestvalidation/{token}. The pages
  here are served by the test itself on 127.0.0.1 (an allowed domain of the fixture).

  Background:
    Given a Snipcart simulator
    And I am authenticated

  Scenario: an HTML page's buy buttons become products, custom fields and all
    Given a web page with content type "text/html; charset=utf-8":
      """
      <html><body>
        <button class="btn snipcart-add-item" data-item-id="TEE-1" data-item-name="Cartsim Tee"
          data-item-price="19.90" data-item-url="/tees" data-item-description="A &amp; B"
          data-item-custom1-name="Size" data-item-custom1-options="S|M|L[+2.00]">Buy</button>
        <a class="snipcart-add-item" data-item-id="MUG-1" data-item-name="Mug" data-item-price="8">Buy</a>
      </body></html>
      """
    When I send POST /api/products with body:
      """
      {fetchUrl: '{page_url}'}
      """
    Then the status is 200
    And the JSON at "" has 2 items
    And the JSON at "/0/userDefinedId" is "TEE-1"
    And the JSON at "/0/price" is "19.90"
    And the JSON at "/0/description" is "A & B"
    And the JSON at "/0/customFields/0/optionsArray" is '["S", "M", "L"]'
    And the JSON at "/0/statistics/numberOfSales" is "0"
    And the JSON at "/1/userDefinedId" is "MUG-1"
    When I send GET /api/products/TEE-1
    Then the status is 200
    And the JSON at "/name" is "Cartsim Tee"
    And the page was fetched 1 time
    When I look at received webhook 1
    Then the header "user-agent" is "Snipcart/1.0"
    And the header "x-snipcart-purpose" is "Crawling"
    When I remember the header "x-snipcart-requesttoken" as "crawl_token"
    And I send GET /api/requestvalidation/{crawl_token}
    Then the status is 200
    And the JSON at "/token" is "{crawl_token}"
    When I send GET /api/requestvalidation/{crawl_token}
    Then the status is 404

  Scenario: a JSON page sets products and their stock in bulk
    Given a web page with content type "application/json":
      """
      [{"id": "P-123", "name": "Product 123", "price": 10, "url": "/products.json",
        "inventoryManagementMethod": "Single", "stock": 5}]
      """
    When I send POST /api/products with body:
      """
      {"fetchUrl": "{page_url}"}
      """
    Then the status is 200
    And the JSON at "/0/userDefinedId" is "P-123"
    And the JSON at "/0/totalStock" is "5"

  Scenario: crawling an archived product again restores it
    Given a web page with content type "text/html":
      """
      <button class="snipcart-add-item" data-item-id="HGW" data-item-name="How Google Works"
        data-item-price="20.99" data-item-url="/snipcart-jekyll-integration">Buy</button>
      """
    When I send DELETE /api/products/HGW
    Then the JSON at "/archived" is "true"
    When I send POST /api/products with body:
      """
      {"fetchUrl": "{page_url}"}
      """
    Then the status is 200
    And the JSON at "/0/id" is "325bfaef-d665-4c9a-a965-f5bd6ab46934"
    And the JSON at "/0/archived" is "false"
    And the JSON at "/0/statistics/numberOfSales" is "29"

  Scenario: a page without products, or a host that is not the store's, is refused
    Given a web page with content type "text/html":
      """
      <p>nothing to buy here</p>
      """
    When I send POST /api/products with body:
      """
      {"fetchUrl": "{page_url}"}
      """
    Then the status is 400
    When I send POST /api/products with body:
      """
      {"fetchUrl": "https://yoursite.com/products.json"}
      """
    Then the status is 400
    When I send GET /api/products
    Then the JSON at "/totalItems" is "2"
