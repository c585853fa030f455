Feature: Magento authentication: OAuth 1.0a integration tokens, bearer tokens, ACL

  An integration signs every request with OAuth 1.0a in the Authorization header.
  Magento checks, in this order: version, required parameters, token length,
  signature method, consumer key, timestamp, nonce (burned before the signature is
  checked), token, signature. The first failure answers with its own status and
  exact body. Bearer tokens that do not work make the request a guest's, refused by
  the ACL.

  Background:
    Given a Magento simulator

  Scenario: a signed request gets the store views
    Given I am authenticated as the integration
    When I send GET /rest/V1/store/storeViews
    Then the status is 200
    And the header "content-type" is "application/json; charset=utf-8"
    And the JSON at "/0/code" is "default"

  Scenario: an unsigned request is refused by the ACL with the route's resource
    When I send GET /rest/V1/store/storeViews
    Then the status is 401
    And the body is JSON:
      """
      {"message": "The consumer isn't authorized to access %resources.",
       "parameters": {"resources": "Magento_Backend::store"}}
      """

  Scenario: a wrong consumer secret breaks the signature
    Given I am authenticated as the integration
    And the consumer secret I sign with is "00000000000000000000000000000000"
    When I send GET /rest/V1/store/storeViews
    Then the status is 401
    And the body is JSON:
      """
      {"message": "The signature is invalid. Verify and try again."}
      """

  @sim
  Scenario: a replayed nonce is refused
    Given I am authenticated as the integration
    And the OAuth nonce is "replayed-nonce-0001"
    When I send GET /rest/V1/store/storeViews
    Then the status is 200
    When I send GET /rest/V1/store/storeViews
    Then the status is 401
    And the body is JSON:
      """
      {"message": "The nonce is already being used by the consumer with ID %1",
       "parameters": ["1"]}
      """

  @sim
  Scenario: the nonce is burned even when the signature is wrong
    Given I am authenticated as the integration
    And the OAuth nonce is "burned-nonce-0001"
    And the consumer secret I sign with is "00000000000000000000000000000000"
    When I send GET /rest/V1/modules
    Then the JSON at "/message" is "The signature is invalid. Verify and try again."
    Given the consumer secret I sign with is "{consumer_secret}"
    When I send GET /rest/V1/modules
    Then the status is 401
    And the JSON at "/message" is "The nonce is already being used by the consumer with ID %1"

  @sim
  Scenario Outline: timestamps are only bounded in the future, by 600 seconds
    Given I am authenticated as the integration
    And the OAuth timestamp is <ahead> seconds ahead of the clock
    When I send GET /rest/V1/store/storeGroups
    Then the status is <status>

    Examples:
      | ahead     | status |
      | -86400000 | 200    |
      | 600       | 200    |
      | 601       | 401    |

  @sim
  Scenario: a timestamp too far ahead fails as a nonce error
    Given I am authenticated as the integration
    And the OAuth timestamp is 3600 seconds ahead of the clock
    When I send GET /rest/V1/store/storeGroups
    Then the status is 401
    And the body is JSON:
      """
      {"message": "An error occurred validating the nonce"}
      """

  Scenario: an unsupported OAuth version
    Given I am authenticated as the integration
    And the OAuth parameter oauth_version is "2.0"
    When I send GET /rest/V1/store/storeViews
    Then the status is 400
    And the body is JSON:
      """
      {"message": "The \"%1\" Oauth version isn't supported.", "parameters": ["2.0"]}
      """

  Scenario: one missing parameter is named
    Given I am authenticated as the integration
    And the OAuth parameter oauth_nonce is left out
    When I send GET /rest/V1/store/storeViews
    Then the status is 400
    And the body is JSON:
      """
      {"message": "\"%fieldName\" is required. Enter and try again.",
       "parameters": {"fieldName": "oauth_nonce"}}
      """

  Scenario: several missing parameters are listed
    Given I am authenticated as the integration
    And the OAuth parameter oauth_nonce is left out
    And the OAuth parameter oauth_timestamp is left out
    When I send GET /rest/V1/store/storeViews
    Then the status is 400
    And the JSON at "/message" is "One or more input exceptions have occurred."
    And the JSON at "/errors" has 2 items

  Scenario: a token of the wrong length
    Given I am authenticated as the integration
    And the OAuth parameter oauth_token is "short"
    When I send GET /rest/V1/store/storeViews
    Then the status is 400
    And the body is JSON:
      """
      {"message": "The token length is invalid. Check the length and try again."}
      """

  Scenario: an unsupported signature method
    Given I am authenticated as the integration
    And the OAuth signature method is PLAINTEXT
    When I send GET /rest/V1/store/storeViews
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Signature method %1 is not supported", "parameters": ["PLAINTEXT"]}
      """

  @sim
  Scenario: a 2.4.0 store still accepts HMAC-SHA1
    Given I am authenticated as the integration
    And the OAuth signature method is HMAC-SHA1
    When I send GET /rest/V1/store/storeViews
    Then the status is 200

  Scenario: a consumer key of the wrong length
    Given I am authenticated as the integration
    And the OAuth parameter oauth_consumer_key is "short"
    When I send GET /rest/V1/store/storeViews
    Then the status is 401
    And the body is JSON:
      """
      {"message": "Consumer key is not the correct length"}
      """

  Scenario: an unknown consumer key
    Given I am authenticated as the integration
    And the OAuth parameter oauth_consumer_key is "abcdefghijabcdefghijabcdefghij12"
    When I send GET /rest/V1/store/storeViews
    Then the status is 401
    And the body is JSON:
      """
      {"message": "A consumer having the specified key does not exist"}
      """

  Scenario: an unknown access token
    Given I am authenticated as the integration
    And the OAuth parameter oauth_token is "abcdefghijabcdefghijabcdefghij12"
    When I send GET /rest/V1/store/storeViews
    Then the status is 401
    And the body is JSON:
      """
      {"message": "Specified token does not exist"}
      """

  Scenario: authentication runs before the body is parsed
    Given the request header "Content-Type" is "application/json"
    When I send POST /rest/V1/products with body:
      """
      {"product": 
      """
    Then the status is 401
    And the JSON at "/parameters/resources" is "Magento_Catalog::products"

  Scenario: an admin token works as a bearer token
    Given I have an admin token
    When I send GET /rest/V1/store/websites
    Then the status is 200
    And the JSON at "/1/code" is "base"

  Scenario: an unknown bearer token is a guest, refused by the ACL
    Given the request header "Authorization" is "Bearer nosuchtoken0000000000000000000"
    When I send GET /rest/V1/modules
    Then the status is 401
    And the JSON at "/message" is "The consumer isn't authorized to access %resources."

  @sim
  Scenario: before 2.4.4 the integration access token works as a bearer token
    Given the request header "Authorization" is "Bearer {access_token}"
    When I send GET /rest/V1/modules
    Then the status is 200

  @sim
  Scenario: an admin token expires after four hours of simulator time
    Given I have an admin token
    When I advance the clock by 14399 seconds
    And I send GET /rest/V1/modules
    Then the status is 200
    When I advance the clock by 1 second
    And I send GET /rest/V1/modules
    Then the status is 401

  Scenario: a wrong admin password
    When I send POST /rest/V1/integration/admin/token with body:
      """
      {"username": "admin", "password": "wrong-password"}
      """
    Then the status is 401
    And the body is JSON:
      """
      {"message": "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."}
      """

  Scenario: an admin token request without credentials lists both fields
    When I send POST /rest/V1/integration/admin/token with body:
      """
      {}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "One or more input exceptions have occurred.",
       "errors": [
         {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "username"}},
         {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "password"}}
       ]}
      """
