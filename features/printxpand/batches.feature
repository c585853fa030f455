Feature: PrintXpand's batch endpoints, item by item, as the custom API documentation shows

  Seed 003 (the PrintXpand Custom API): customers, categories, products and orders are
  created or updated in batches keyed by id; deletes take lists of ids. Every item is
  validated and applied on its own, and the answer lists one entry per item in request
  order. The batch's status is 200 when every item succeeded, 201 when some did, 400
  when none did. The fixture holds what the seed's examples need beforehand.

  Background:
    Given a PrintXpand simulator
    And I am authenticated as the integration

  @sim
  Scenario: a new customer is created, an existing one updated (names only)
    When I send POST /rest/V1/customer/create/ with body:
      """
      {"customer": {"1": {"id": "123456", "first_name": "jessica", "last_name": "vincent", "email": "jessica.v@gmail.com"},
                    "2": {"id": "1234001", "first_name": "Missy", "last_name": "Colone-Smith", "email": "other@example.com"}}}
      """
    Then the status is 200
    And the body is JSON:
      """
      [{"response": [
        {"id": "123456", "code": "200", "status": "success", "message": "Customer Created successfully!"},
        {"id": "1234001", "code": "200", "status": "success", "message": "Customer Updated successfully!"}
      ]}]
      """
    When I send GET /__sim/state
    Then the JSON at "/customers/0/last_name" is "Colone-Smith"
    And the JSON at "/customers/0/email" is "mscolne08@gmail.com"

  Scenario: a mixed batch is partly applied, codes turn numeric, and the status is 201
    When I send POST /rest/V1/customer/create/ with body:
      """
      {"customer": {"a": {"id": "1234516", "first_name": "George", "email": "george.kisty78@gmail.com"},
                    "b": {"id": "", "first_name": "Nobody"},
                    "c": {"id": "777", "first_name": "Lee", "email": "lee@example.com"}}}
      """
    Then the status is 201
    And the body is JSON:
      """
      [{"response": [
        {"id": "1234516", "code": 400, "status": "error", "message": "A customer with the same email address already exists in an associated website."},
        {"code": 404, "status": "error", "message": "Please pass valid customer Id!"},
        {"id": "777", "code": 200, "status": "success", "message": "Customer Created successfully!"}
      ]}]
      """

  @sim
  Scenario: categories form a tree; deleting one deletes those under it
    When I send POST /V1/category/create with body:
      """
      {"category": {"x": {"id": 5, "name": "Shirts", "parent_id": 1001, "status": 1},
                    "y": {"id": "6", "name": "Polo", "parent_id": 5}}}
      """
    Then the status is 200
    And the JSON at "/0/response/1/id" is "6"
    When I send GET /__sim/state
    Then the JSON at "/categories/0/children/0/children/0/name" is "Polo"
    When I send POST /rest/V1/category/delete/ with body:
      """
      {"category": [1001, 404404]}
      """
    Then the status is 201
    And the JSON at "/0/response/0/message" is "Category Deleted successfully!"
    And the JSON at "/0/response/1/message" is "Category Id is not Found!"
    And the JSON at "/0/response/1/code" is "404"
    When I send GET /__sim/state
    Then the JSON at "/categories/0/id" is '"1002"'

  Scenario: a product in a category that was never synced is refused
    When I send POST /rest/V1/product/create/ with body:
      """
      {"product": {"1": {"id": 30001, "name": "Tee", "type": "simple", "category_id": "999"}}}
      """
    Then the status is 400
    And the JSON at "/0/response/0/code" is "404"
    And the JSON at "/0/response/0/message" is "Category Id is not Found! Please sync category first."

  Scenario: a configurable product's variations must name its attributes
    When I send POST /rest/V1/product/create/ with body:
      """
      {"product": {"1": {"id": 30002, "name": "Hoodie", "type": "configurable", "attribute_names": "Size,Color",
        "variations": {"a": {"id": 30003, "attributes": [{"name": "Size", "option": "M"}]}}}}}
      """
    Then the status is 400
    And the JSON at "/0/response/0/message" is "Configurable product and its sub-products must have proper attribute values."

  Scenario: the seed's typo survives a product delete
    When I send POST /rest/V1/product/delete/ with body:
      """
      {"product": [10002]}
      """
    Then the status is 200
    And the body is JSON:
      """
      [{"response": [{"id": 10002, "code": "200", "status": "success", "message": "Prodcut Deleted successfully!"}]}]
      """

  Scenario: an order's item lists must be as long as each other
    When I send POST /rest/V1/order/create/ with body:
      """
      {"order": {"1": {"order_id": "11002", "shipping_address": {"name": "PrintXpand"}, "sub_total": "44.00",
                       "design_id": ["1", "2"], "item_price": ["22.00"], "item_qty": [1, 1]}}}
      """
    Then the status is 400
    And the JSON at "/0/response/0/message" is "Order design id, item price, and item qty is not equaled"

  Scenario: multiple orders may be sent with GET, as the documentation's METHOD says
    When I send GET /rest/V1/order/create/?order[1][order_id]=11003&order[1][sub_total]=5&order[1][shipping_address][name]=Q&order[1][design_id][]=7&order[1][item_price][]=5&order[1][item_qty][]=1
    Then the status is 200
    And the JSON at "/0/response/0/message" is "Order Created successfully!!"

  @sim
  Scenario: every example of the seed, sent signed, gets the seed's answer
    Then every exchange of the transcript "fixtures/printxpand/transcripts/seed-003.json" gets its recorded answer
