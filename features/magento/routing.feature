Feature: Magento REST routing, request parsing and the error envelope

  Magento never answers 405: a path that exists for another method is "no route".
  Verbs other than GET, POST, PUT and DELETE are refused before routing. Bodies are
  parsed after authentication, with Magento's own Content-Type and decoding errors.

  Background:
    Given a Magento simulator
    And I am authenticated as the integration

  Scenario: an unknown path is no route
    When I send GET /rest/V1/nothing/here
    Then the status is 404
    And the body is JSON:
      """
      {"message": "Request does not match any route."}
      """

  Scenario: a known path with another method is no route, not 405
    When I send DELETE /rest/V1/modules
    Then the status is 404
    And the body is JSON:
      """
      {"message": "Request does not match any route."}
      """

  Scenario: PATCH is an invalid method
    When I send PATCH /rest/V1/products/anything
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Request method is invalid."}
      """

  Scenario: an unknown store code is part of the path, so no route
    When I send GET /rest/nosuchstore/V1/modules
    Then the status is 404

  Scenario Outline: store codes, all, index.php and a trailing slash reach the same route
    When I send GET <path>
    Then the status is 200
    And the JSON at "/0" is "Magento_AdminAnalytics"

    Examples:
      | path                           |
      | /rest/V1/modules               |
      | /rest/default/V1/modules       |
      | /rest/all/V1/modules           |
      | /index.php/rest/V1/modules     |
      | /rest/V1/modules/              |

  Scenario: malformed JSON is a decoding error
    When I send POST /rest/V1/products with body:
      """
      {"product": 
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Decoding error."}
      """

  Scenario: a body in another media type is not understood
    Given the request header "Content-Type" is "text/plain"
    When I send POST /rest/V1/products with body:
      """
      hello
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Server cannot understand Content-Type HTTP header media type text/plain"}
      """

  Scenario: a charset other than UTF-8
    Given the request header "Content-Type" is "application/json; charset=iso-8859-1"
    When I send POST /rest/V1/products with body:
      """
      {}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "UTF-8 is the only supported charset."}
      """

  Scenario: a missing service argument is required
    When I send POST /rest/V1/products with body:
      """
      {"saveOptions": true}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "\"%fieldName\" is required. Enter and try again.",
       "parameters": {"fieldName": "product"}}
      """

  Scenario: a search without searchCriteria is refused
    When I send GET /rest/V1/products
    Then the status is 400
    And the JSON at "/parameters/fieldName" is "searchCriteria"

  Scenario: an Accept header that excludes JSON gets 406
    Given the request header "Accept" is "text/plain"
    When I send GET /rest/V1/modules
    Then the status is 406
    And the body is JSON:
      """
      {"message": "Server cannot match any of the given Accept HTTP header media type(s) from the request: \"text/plain\" with media types from the config of response renderer."}
      """

  @sim
  Scenario: the journal records Magento requests like every simulator's
    When I send GET /rest/V1/store/storeViews
    Then the journal has 1 request for GET /rest/V1/store/storeViews
