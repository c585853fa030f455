Feature: Magento catalog

  Products, attribute sets, categories and the legacy stock item, as the seed store
  (Magento 2.4.0) answers them: POST upserts by SKU, PUT takes the SKU from the URL,
  new products get Magento's defaults and a URL key from their name, custom attributes
  come back in database format, and every refusal has Magento's own body.

  The scenarios that create or change catalog data carry the sim tag: they expect the
  fixture's ids (the next product is 282) and are not played against a live store.

  Background:
    Given a Magento simulator
    And I am authenticated as the integration

  Scenario: the attribute sets are the seed trace's
    When I send GET /rest/default/V1/products/attribute-sets/sets/list?searchCriteria=0
    Then the status is 200
    And the body is JSON:
      """
      {"items": [
         {"attribute_set_id": 9, "attribute_set_name": "apparel", "sort_order": 0, "entity_type_id": 4},
         {"attribute_set_id": 4, "attribute_set_name": "Default", "sort_order": 1, "entity_type_id": 4}
       ],
       "search_criteria": {"filter_groups": []},
       "total_count": 2}
      """

  Scenario: a product search that finds nothing echoes its criteria
    When I send GET /rest/default/V1/products?searchCriteria[pageSize]=1&searchCriteria[currentPage]=1&searchCriteria[filterGroups][0][filters][0][field]=sku&searchCriteria[filterGroups][0][filters][0][value]=no-such-sku&searchCriteria[filterGroups][0][filters][0][condition_type]=eq
    Then the status is 200
    And the body is JSON:
      """
      {"items": [],
       "search_criteria": {"filter_groups": [{"filters": [{"field": "sku", "value": "no-such-sku", "condition_type": "eq"}]}],
                           "page_size": 1, "current_page": 1},
       "total_count": 0}
      """

  Scenario: an unknown SKU is not found
    When I send GET /rest/V1/products/no-such-sku
    Then the status is 404
    And the body is JSON:
      """
      {"message": "The product that was requested doesn't exist. Verify the product and try again."}
      """

  Scenario: an attribute set of another entity type is refused
    When I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "bad-set", "name": "Bad Set", "price": 1, "attribute_set_id": 99}}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Invalid product data: %1", "parameters": ["Invalid attribute set entity type"]}
      """

  Scenario: a new product without name and price lists both
    When I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "bare"}}
      """
    Then the status is 400
    And the JSON at "/message" is "Invalid product data: %1"
    And the JSON at "/parameters/0" is '"The \"Product Name\" attribute value is empty. Set the attribute and try again.,The \"Price\" attribute value is empty. Set the attribute and try again."'

  @sim
  Scenario: a new product gets Magento's defaults
    When I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "champ-s", "name": "Champ Tee Small", "price": 25, "weight": 0.5,
                   "custom_attributes": [{"attribute_code": "special_price", "value": "19.9"}]}}
      """
    Then the status is 200
    And the JSON at "/id" is "282"
    And the JSON at "/attribute_set_id" is "4"
    And the JSON at "/status" is "1"
    And the JSON at "/visibility" is "4"
    And the JSON at "/type_id" is "simple"
    And the JSON at "/weight" is "0.5"
    And the JSON at "/extension_attributes/website_ids" is "[1]"
    And the JSON at "/extension_attributes/stock_item/qty" is "0"
    And the JSON at "/extension_attributes/stock_item/use_config_min_sale_qty" is "1"
    And the JSON at "/extension_attributes/stock_item/is_in_stock" is "false"
    And the JSON at "/product_links" is absent
    And the JSON at "/custom_attributes/0" is '{"attribute_code": "special_price", "value": "19.900000"}'
    And the JSON at "/custom_attributes" contains '{"attribute_code": "url_key", "value": "champ-tee-small"}'
    And the JSON at "/custom_attributes" contains '{"attribute_code": "tax_class_id", "value": "2"}'
    And the JSON at "/custom_attributes" contains '{"attribute_code": "category_ids", "value": []}'

  @sim
  Scenario: POST with a known SKU updates the product
    When I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "upsert-1", "name": "Upsert", "price": 5}}
      """
    And I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "UPSERT-1", "price": 6}}
      """
    Then the status is 200
    And the JSON at "/id" is "282"
    And the JSON at "/name" is "Upsert"
    And the JSON at "/price" is "6"

  @sim
  Scenario: PUT takes the SKU from the URL
    When I send PUT /rest/V1/products/url-sku with body:
      """
      {"product": {"sku": "body-sku", "name": "Url Sku", "price": 5}}
      """
    Then the status is 200
    And the JSON at "/sku" is "url-sku"

  @sim
  Scenario: two products named alike collide on the URL key
    When I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "twin-1", "name": "Twin", "price": 5}}
      """
    And I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "twin-2", "name": "Twin", "price": 5}}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "URL key for specified store already exists."}
      """

  @sim
  Scenario: a deleted product answers true and is gone
    When I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "gone-1", "name": "Gone", "price": 5}}
      """
    And I send DELETE /rest/V1/products/gone-1
    Then the status is 200
    And the body is JSON:
      """
      true
      """
    When I send GET /rest/V1/products/gone-1
    Then the status is 404

  @sim
  Scenario: a legacy stock update answers the item id and moves the default source item
    When I send POST /rest/V1/products with body:
      """
      {"product": {"sku": "legacy-1", "name": "Legacy", "price": 5,
                   "extension_attributes": {"stock_item": {"qty": 10, "is_in_stock": true}}}}
      """
    And I send PUT /rest/V1/products/legacy-1/stockItems/1 with body:
      """
      {"stockItem": {"qty": 4}}
      """
    Then the status is 200
    And the body is JSON:
      """
      282
      """
    When I send GET /rest/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=legacy-1
    Then the JSON at "/items/0" is '{"sku": "legacy-1", "source_code": "default", "quantity": 4, "status": 1}'

  Scenario: the legacy stock item of an unknown SKU
    When I send GET /rest/V1/stockItems/no-such-sku
    Then the status is 404
    And the body is JSON:
      """
      {"message": "The Product with the \"%1\" SKU doesn't exist.", "parameters": ["no-such-sku"]}
      """

  Scenario: the category tree starts at the store's root
    When I send GET /rest/V1/categories
    Then the status is 200
    And the JSON at "/id" is "2"
    And the JSON at "/name" is "Default Category"
    And the JSON at "/level" is "1"

  @sim
  Scenario: a new category goes one level under its parent
    When I send POST /rest/V1/categories with body:
      """
      {"category": {"parent_id": 2, "name": "Shirts", "is_active": true}}
      """
    Then the status is 200
    And the JSON at "/id" is "3"
    And the JSON at "/level" is "2"
    And the JSON at "/path" is "1/2/3"
    And the JSON at "/custom_attributes" contains '{"attribute_code": "url_key", "value": "shirts"}'

  Scenario: an unknown category
    When I send GET /rest/V1/categories/99
    Then the status is 404
    And the body is JSON:
      """
      {"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "id", "fieldValue": 99}}
      """

  Scenario: the root category cannot be deleted
    When I send DELETE /rest/V1/categories/1
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Cannot delete category with id %1", "parameters": [1]}
      """
