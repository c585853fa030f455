Feature: PrintXpand answers as the Magento store it runs in

  The extension's endpoints are Magento web-API routes: authentication (OAuth 1.0a
  integration credentials; bearer tokens where Magento 2.4 takes them), the ACL,
  unknown routes, verbs, body decoding and Accept are the framework's, and answer as
  the Magento simulator answers them.

  Background:
    Given a PrintXpand simulator

  Scenario: an unsigned request is a guest's, refused by the ACL
    When I send POST /rest/V1/customer/create/ with body:
      """
      {"customer": {}}
      """
    Then the status is 401
    And the body is JSON:
      """
      {"message": "The consumer isn't authorized to access %resources.", "parameters": {"resources": "Magento_Customer::manage"}}
      """

  Scenario: a signature made with the wrong secret is refused
    Given the consumer secret I sign with is "00000000000000000000000000000000"
    And I am authenticated as the integration
    When I send POST /rest/V1/category/create/ with body:
      """
      {"category": {}}
      """
    Then the status is 401
    And the JSON at "/message" is "The signature is invalid. Verify and try again."

  @sim
  Scenario: the integration's token as a bearer token works only where the store allows it
    Given the request header "Authorization" is "Bearer {access_token}"
    When I send POST /rest/V1/product/delete/ with body:
      """
      {"product": [10002]}
      """
    Then the status is 401
    Given the store takes integration tokens as bearer tokens
    When I send POST /rest/V1/product/delete/ with body:
      """
      {"product": [10002]}
      """
    Then the status is 200

  Scenario: unknown routes, other verbs and broken bodies get Magento's errors
    Given I am authenticated as the integration
    When I send POST /rest/V1/customer/delete/ with body:
      """
      {}
      """
    Then the status is 404
    And the JSON at "/message" is "Request does not match any route."
    When I send PATCH /rest/V1/customer/create/
    Then the status is 400
    And the JSON at "/message" is "Request method is invalid."
    When I send POST /rest/V1/customer/create/ with body:
      """
      {"customer": 
      """
    Then the status is 400
    And the JSON at "/message" is "Decoding error."
    When I send POST /rest/V1/order/create/ with body:
      """
      {"orders": {}}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "order"}}
      """

  Scenario: a client that accepts no JSON gets 406
    Given I am authenticated as the integration
    And the request header "Accept" is "text/html"
    When I send POST /rest/V1/customer/create/ with body:
      """
      {"customer": {}}
      """
    Then the status is 406
