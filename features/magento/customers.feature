Feature: Magento customers

  Sign-up, read, update and the customer token, as Magento 2.4 answers them: a guest
  signs up with a password Magento finds strong enough, gets group 1 and the store's
  website, e-mails are unique per website (case-insensitively), every refusal has
  Magento's own body and leaves nothing behind, and a customer token opens
  /V1/customers/me and nothing an admin may see.

  The scenarios that create customers carry the sim tag: they expect the fixture's
  empty customer table (the first customer is 1) and are not played against a live
  store.

  Background:
    Given a Magento simulator
    And I am authenticated as the integration

  @sim
  Scenario: a new customer gets Magento's defaults
    When I send POST /rest/V1/customers with body:
      """
      {"customer": {"email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe",
                    "addresses": [{"region": {"region_code": "NY", "region": "New York", "region_id": 43},
                                   "region_id": 43, "country_id": "US", "street": ["123 Oak Ave"],
                                   "telephone": "512-555-1111", "postcode": "10755", "city": "Purchase",
                                   "firstname": "Jane", "lastname": "Doe",
                                   "default_shipping": true, "default_billing": true}]},
       "password": "Password1"}
      """
    Then the status is 200
    And the JSON at "/id" is "1"
    And the JSON at "/group_id" is "1"
    And the JSON at "/default_billing" is '"1"'
    And the JSON at "/default_shipping" is '"1"'
    And the JSON at "/created_at" is "2025-07-21 20:49:08"
    And the JSON at "/created_in" is "Default Store View"
    And the JSON at "/store_id" is "1"
    And the JSON at "/website_id" is "1"
    And the JSON at "/disable_auto_group_change" is "0"
    And the JSON at "/addresses/0/id" is "1"
    And the JSON at "/addresses/0/customer_id" is "1"
    And the JSON at "/addresses/0/default_billing" is "true"
    And the JSON at "/extension_attributes/is_subscribed" is "false"
    When I remember the JSON at "/id" as "cid"
    And I send GET /rest/V1/customers/{cid}
    Then the status is 200
    And the JSON at "/email" is "jdoe@example.com"

  @sim
  Scenario: an e-mail already used in the website is refused, whatever its case
    When I send POST /rest/V1/customers with body:
      """
      {"customer": {"email": "dup@example.com", "firstname": "Jane", "lastname": "Doe"}}
      """
    And I send POST /rest/V1/customers with body:
      """
      {"customer": {"email": "DUP@example.com", "firstname": "John", "lastname": "Doe"}}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "A customer with the same email address already exists in an associated website."}
      """
    When I send GET /rest/V1/customers/search?searchCriteria[filter_groups][0][filters][0][field]=email&searchCriteria[filter_groups][0][filters][0][value]=dup@example.com
    Then the status is 200
    And the JSON at "/total_count" is "1"
    And the JSON at "/items/0/firstname" is "Jane"

  Scenario: missing names are refused in one rendered message
    When I send POST /rest/V1/customers with body:
      """
      {"customer": {"email": "noname@example.com"}, "password": "Password1"}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "\"First Name\" is a required value.\n\"Last Name\" is a required value."}
      """

  Scenario: a password with too few classes of characters is refused
    When I send POST /rest/V1/customers with body:
      """
      {"customer": {"email": "weak@example.com", "firstname": "Weak", "lastname": "Password"},
       "password": "password"}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "Minimum of different classes of characters in password is %1. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.",
       "parameters": [3]}
      """

  Scenario: a password shorter than 8 characters is refused
    When I send POST /rest/V1/customers with body:
      """
      {"customer": {"email": "short@example.com", "firstname": "Short", "lastname": "Password"},
       "password": "Ab1!"}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"message": "The password needs at least %1 characters. Create a new password and try again.",
       "parameters": [8]}
      """

  Scenario: an unknown customer is not found
    When I send GET /rest/V1/customers/999999
    Then the status is 404
    And the body is JSON:
      """
      {"message": "No such entity with %fieldName = %fieldValue",
       "parameters": {"fieldName": "customerId", "fieldValue": 999999}}
      """

  @sim
  Scenario: a customer token opens /V1/customers/me but not the admin routes
    When I send POST /rest/V1/customers with body:
      """
      {"customer": {"email": "me@example.com", "firstname": "Mia", "lastname": "Doe"},
       "password": "Password1"}
      """
    Then the status is 200
    Given I am signed in as the customer "ME@example.com" with password "Password1"
    When I send GET /rest/V1/customers/me
    Then the status is 200
    And the JSON at "/email" is "me@example.com"
    And the JSON at "/firstname" is "Mia"
    When I send GET /rest/V1/customers/1
    Then the status is 401
    And the body is JSON:
      """
      {"message": "The consumer isn't authorized to access %resources.",
       "parameters": {"resources": "Magento_Customer::customer"}}
      """

  Scenario: a wrong password gets no token
    When I send POST /rest/V1/integration/customer/token with body:
      """
      {"username": "nobody@example.com", "password": "Password1"}
      """
    Then the status is 401
    And the body is JSON:
      """
      {"message": "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."}
      """
