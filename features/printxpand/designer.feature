@sim
Feature: the product designer's callback

  When a product is created or updated with enable_product_designer 1, the store POSTs
  {image_url, designer_url, enable_product_designer, integration_product_id} to the
  third party's endpoint (seed 003, "Configure Product Designer"), which answers
  [{"response": "success"}]. Deliveries go through the simulator's webhook dispatcher:
  logged, and retried on the simulator clock when the answer is anything else (in
  these scenarios: three attempts, 10 ms and 20 ms apart on the clock).

  Background:
    Given a PrintXpand simulator
    And I am authenticated as the integration

  Scenario: one callback per applied product with the designer on
    Given a product designer endpoint answering '[{"response": "success"}]'
    When I send POST /rest/V1/product/create/ with body:
      """
      {"product": {"a": {"id": 20001, "name": "Tee", "type": "simple", "enable_product_designer": 1, "images": [{"src": "http://img/1.png"}]},
                   "b": {"id": 20002, "name": "Mug", "type": "simple"},
                   "c": {"id": 20003, "name": "", "type": "simple", "enable_product_designer": 1}}}
      """
    Then the status is 201
    When the webhook deliveries have settled
    Then the JSON at "/deliveries" has 1 item
    And the JSON at "/deliveries/0/state" is "delivered"
    And the receiver got 1 webhook
    When I look at received webhook 1
    Then the JSON at "/integration_product_id" is "20001"
    And the JSON at "/image_url" is "http://img/1.png"
    And the JSON at "/enable_product_designer" is "1"
    And the JSON at "/designer_url" contains "/productdesigner/index/index/id/20001"

  @inprocess
  Scenario: an endpoint that does not answer success is retried
    Given a product designer endpoint answering '[{"response": "error"}]'
    When I send POST /rest/V1/product/create/ with body:
      """
      {"product": {"a": {"id": 20001, "name": "Tee", "type": "simple", "enable_product_designer": 1}}}
      """
    Then the status is 200
    When the webhook deliveries have settled
    Then the JSON at "/deliveries/0/state" is "pending"
    And the JSON at "/deliveries/0/attempts/0/error" contains 'instead of [{"response":"success"}]'
    When I advance the clock by 1 second
    And the webhook deliveries have settled
    Then the JSON at "/deliveries/0/attempts" has 3 items
    And the JSON at "/deliveries/0/state" is "gave_up"
