Feature: Magento Multi-Source Inventory

  Sources, stocks, their links and source items, with MSI's validation envelope
  ("Validation Failed" plus an errors list), the rules protecting the default source
  and the default stock, and the salable quantity of a SKU in a stock. The store is the
  seed trace's: sources default, ua-warehouse and us-warehouse; stock 1 "Default
  Stock" with no sales channel, stock 2 "Stock2" selling on website base.

  The scenarios that change the store carry the sim tag: they expect the fixture's
  ids and are not played against a live store.

  Background:
    Given a Magento simulator
    And I am authenticated as the integration

  Scenario: the stocks list is the seed trace's
    When I send GET /rest/V1/inventory/stocks
    Then the status is 200
    And the body is JSON:
      """
      {"items": [
         {"stock_id": 1, "name": "Default Stock", "extension_attributes": {"sales_channels": []}},
         {"stock_id": 2, "name": "Stock2", "extension_attributes": {"sales_channels": [{"type": "website", "code": "base"}]}}
       ],
       "search_criteria": {"filter_groups": []},
       "total_count": 2}
      """

  Scenario: the links search echoes an in filter verbatim
    When I send GET /rest/V1/inventory/stock-source-links?searchCriteria[filter_groups][0][filters][0][field]=stock_id&searchCriteria[filter_groups][0][filters][0][value]=1,2&searchCriteria[filter_groups][0][filters][0][condition_type]=in
    Then the status is 200
    And the JSON at "/total_count" is "3"
    And the JSON at "/items/2" is '{"stock_id": 2, "source_code": "us-warehouse", "priority": 4}'
    And the JSON at "/search_criteria/filter_groups/0/filters/0/value" is "1,2"

  Scenario: a source without name, postcode and country lists every error
    When I send POST /rest/V1/inventory/sources with body:
      """
      {"source": {"source_code": "central"}}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Validation Failed",
       "errors": [
         {"message": "\"%field\" can not be empty.", "parameters": {"field": "name"}},
         {"message": "\"%field\" can not be empty.", "parameters": {"field": "postcode"}},
         {"message": "\"%field\" can not be empty.", "parameters": {"field": "country_id"}}
       ]}
      """

  @sim
  Scenario: a source is saved with a void answer and reads back with Magento's defaults
    When I send PUT /rest/V1/inventory/sources/central with body:
      """
      {"source": {"source_code": "ignored", "name": "Central", "postcode": "63145", "country_id": "US"}}
      """
    Then the status is 200
    And the body is JSON:
      """
      []
      """
    When I send GET /rest/V1/inventory/sources/central
    Then the status is 200
    And the body is JSON:
      """
      {"source_code": "central", "name": "Central", "enabled": true, "country_id": "US",
       "postcode": "63145", "use_default_carrier_config": true, "carrier_links": [],
       "extension_attributes": {"is_pickup_location_active": false, "frontend_name": "Central"}}
      """

  Scenario: the default source cannot be disabled
    When I send PUT /rest/V1/inventory/sources/default with body:
      """
      {"source": {"name": "Default Source", "postcode": "00000", "country_id": "US", "enabled": false}}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Validation Failed",
       "errors": [{"message": "Default source can not be disabled.", "parameters": []}]}
      """

  Scenario: the default stock and a stock selling on a website cannot be deleted
    When I send DELETE /rest/V1/inventory/stocks/1
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Default Stock could not be deleted."}
      """
    When I send DELETE /rest/V1/inventory/stocks/2
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Stock has at least one sale channel and could not be deleted."}
      """

  @sim
  Scenario: a new stock gets the next id and can be deleted
    When I send POST /rest/V1/inventory/stocks with body:
      """
      {"stock": {"name": "EU Stock"}}
      """
    Then the status is 200
    And the body is JSON:
      """
      3
      """
    When I send DELETE /rest/V1/inventory/stocks/3
    Then the status is 200
    And the body is JSON:
      """
      []
      """
    When I send GET /rest/V1/inventory/stocks/3
    Then the status is 404
    And the body is JSON:
      """
      {"message": "Stock with id \"%value\" does not exist.", "parameters": {"value": 3}}
      """

  Scenario: links to the default stock are refused
    When I send POST /rest/V1/inventory/stock-source-links with body:
      """
      {"links": [{"stock_id": 1, "source_code": "us-warehouse", "priority": 0}]}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Validation Failed",
       "errors": [
         {"message": "\"%field\" should be greater then 0.", "parameters": {"field": "priority"}},
         {"message": "Can not save link related to Default Source or Default Stock", "parameters": []}
       ]}
      """

  Scenario: an empty source item list is refused
    When I send POST /rest/V1/inventory/source-items with body:
      """
      {"sourceItems": []}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Input data is empty"}
      """

  Scenario: source item validation names its first error in the message
    When I send POST /rest/V1/inventory/source-items with body:
      """
      {"sourceItems": [{"sku": "tee", "source_code": "ua-warehouse", "status": 1}]}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Validation Failed: \"quantity\" should be numeric.",
       "errors": [{"message": "\"%field\" should be numeric.", "parameters": {"field": "quantity"}}]}
      """

  @sim
  Scenario: source items are upserted per SKU and source
    When I send POST /rest/V1/inventory/source-items with body:
      """
      {"sourceItems": [{"sku": "tee", "source_code": "ua-warehouse", "quantity": 5, "status": 1}]}
      """
    Then the status is 200
    When I send POST /rest/V1/inventory/source-items with body:
      """
      {"sourceItems": [{"sku": "tee", "source_code": "ua-warehouse", "quantity": 12.5, "status": 0}]}
      """
    Then the status is 200
    When I send GET /rest/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=tee
    Then the status is 200
    And the JSON at "/total_count" is "1"
    And the JSON at "/items/0" is '{"sku": "tee", "source_code": "ua-warehouse", "quantity": 12.5, "status": 0}'

  Scenario: salable quantity of an unknown product is a 404 and is-salable is false
    When I send GET /rest/V1/inventory/get-product-salable-quantity/nope/1
    Then the status is 404
    And the body is JSON:
      """
      {"message": "The product that was requested doesn't exist. Verify the product and try again."}
      """
    When I send GET /rest/V1/inventory/is-product-salable/nope/1
    Then the status is 200
    And the body is JSON:
      """
      false
      """

  Scenario: the stock resolver finds the website's stock
    When I send GET /rest/V1/inventory/stock-resolver/website/base
    Then the status is 200
    And the JSON at "/stock_id" is "2"
    When I send GET /rest/V1/inventory/stock-resolver/website/nowhere
    Then the status is 404
    And the body is JSON:
      """
      {"message": "No linked stock found"}
      """

  Scenario: MSI answers an admin token too
    Given I have an admin token
    When I send GET /rest/V1/inventory/get-sources-assigned-to-stock-ordered-by-priority/2
    Then the status is 200
    And the JSON at "/0/source_code" is "ua-warehouse"
    And the JSON at "/1/source_code" is "us-warehouse"
