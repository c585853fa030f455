Feature: Tunetoo's request signatures

  Seed 004 ("Authentification"): every call carries the shop's key in X-TUNETOO-API-KEY
  and, in X-TUNETOO-SIGNATURE, base64(HMAC-SHA256(secret, message)), the message being
  the body exactly as sent (PHP's json_encode output) and, for GET and DELETE, the two
  bytes []. Anything else is the docs' 401.

  Background:
    Given a Tunetoo simulator

  Scenario: no key and no signature
    When I send GET /v1/orders
    Then the status is 401
    And the body is JSON:
      """
      {"code": "error", "message": "Unauthorized", "data": {"status": 401}}
      """

  Scenario: a GET signed over {} instead of [] is refused
    Given the request header "X-TUNETOO-API-KEY" is "{api_key}"
    And the request header "X-TUNETOO-SIGNATURE" is "zjdFX7UV31nFehmtPZCKXWYepusijaJt5QN3hvshj2E="
    When I send GET /v1/orders
    Then the status is 401

  Scenario: the docs' GET signature of [] is taken
    Given the request header "X-TUNETOO-API-KEY" is "{api_key}"
    And the request header "X-TUNETOO-SIGNATURE" is "3SaHdJ391dddFc0t2biTkgtyLd602rn8UO5NN0AnfWM="
    When I send GET /v1/orders
    Then the status is 200
    And the body is JSON:
      """
      []
      """

  Scenario: a body written as PHP writes it, slashes escaped, is signed as sent
    Given I am authenticated as the shop
    When I send POST /v1/webhooks with body:
      """
      {"target":"https:\/\/www.test.com\/order-fulfilled-new.php","event":"order_fullfilled"}
      """
    Then the status is 200
    And the JSON at "/target" is "https://www.test.com/order-fulfilled-new.php"
    And the JSON at "/event" is "order_fullfilled"

  Scenario: a signature for other bytes of the same JSON is refused
    Given the request header "X-TUNETOO-API-KEY" is "{api_key}"
    And the request header "X-TUNETOO-SIGNATURE" is "k29yUHatFL/1fapq/Ex6n78EgpBk4WyRQ1DOSOCKJH4="
    When I send POST /v1/webhooks with body:
      """
      {"test": {"id": 1, "data": {"name": "example1", "value": "example value 1"}, "0": {"name": "example2", "value": "example value 2"}}}
      """
    Then the status is 401
