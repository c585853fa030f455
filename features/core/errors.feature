Feature: the demo service refuses bad requests with its own JSON errors

  No framework default ever reaches a client: unknown routes, wrong methods,
  malformed bodies, bodies over the limit and missing credentials all get the
  demo's {"error": code, "message": text} body.

  Background:
    Given a demo simulator

  Scenario: an unknown route is the demo's 404
    Given I am authenticated
    When I send GET /api/nope
    Then the status is 404
    And the header "content-type" is "application/json"
    And the body is JSON:
      """
      {"error": "not_found", "message": "no route GET /api/nope"}
      """

  Scenario: an unknown route is a 404 with or without a token
    When I send POST /nothing/here?x=1
    Then the status is 404
    And the body is JSON:
      """
      {"error": "not_found", "message": "no route POST /nothing/here"}
      """

  Scenario: a known path with the wrong method is the demo's 405
    Given I am authenticated
    When I send PATCH /api/notes/1
    Then the status is 405
    And the body is JSON:
      """
      {"error": "method_not_allowed", "message": "PATCH not allowed on /api/notes/1"}
      """

  Scenario: malformed JSON is the demo's 400
    Given I am authenticated
    When I send POST /api/notes with body:
      """
      {"text": 
      """
    Then the status is 400
    And the body is JSON:
      """
      {"error": "bad_request", "message": "Failed to parse the request body as JSON: text: EOF while parsing a value at line 1 column 9"}
      """

  Scenario: a body without the required field is the demo's 400
    Given I am authenticated
    When I send POST /api/notes with body:
      """
      {}
      """
    Then the status is 400
    And the JSON at "/error" is "bad_request"
    And the JSON at "/message" contains "missing field `text`"

  Scenario: a body that is not JSON at all is the demo's 400
    Given I am authenticated
    And the request header "Content-Type" is "text/plain"
    When I send POST /api/notes with body:
      """
      hello
      """
    Then the status is 400
    And the JSON at "/error" is "bad_request"
    And the JSON at "/message" contains "Content-Type"

  Scenario: an empty note is refused and takes no id
    Given I am authenticated
    When I send POST /api/notes with body:
      """
      {"text": ""}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"error": "bad_request", "message": "text must be 1 to 1000 characters"}
      """
    When I send POST /api/notes with body:
      """
      {"text": "second try"}
      """
    Then the status is 201
    And the JSON at "/id" is "2"

  Scenario: an unknown note is the demo's 404
    Given I am authenticated
    When I send GET /api/notes/42
    Then the status is 404
    And the body is JSON:
      """
      {"error": "not_found", "message": "note 42 not found"}
      """
    When I send DELETE /api/notes/abc
    Then the status is 404
    And the body is JSON:
      """
      {"error": "not_found", "message": "note abc not found"}
      """

  Scenario: a missing token is the demo's 401
    When I send GET /api/notes
    Then the status is 401
    And the body is JSON:
      """
      {"error": "unauthorized", "message": "missing or wrong bearer token"}
      """

  Scenario: a wrong token is the demo's 401
    Given the request header "Authorization" is "Bearer not-the-token"
    When I send GET /api/notes/1
    Then the status is 401
    And the JSON at "/error" is "unauthorized"

  Scenario: the token is checked before the body
    When I send POST /api/notes with body:
      """
      {"text": 
      """
    Then the status is 401
    And the JSON at "/error" is "unauthorized"

  @inprocess
  Scenario: a body over the limit is the demo's 413
    Given a demo simulator with a body limit of 64 bytes
    And I am authenticated
    When I send POST /api/notes with body:
      """
      {"text": "a note that is well over sixty-four bytes long, so it is refused"}
      """
    Then the status is 413
    And the body is JSON:
      """
      {"error": "payload_too_large", "message": "request body larger than 64 bytes"}
      """
    When I send POST /api/notes with body:
      """
      {"text": "short enough"}
      """
    Then the status is 201
    And the JSON at "/id" is "2"

  @sim
  Scenario: an unknown admin route is an admin 404
    When I send GET /__sim/nope
    Then the status is 404
    And the body is JSON:
      """
      {"error": "no admin route GET /__sim/nope"}
      """

  @sim
  Scenario: a known admin path with the wrong method is an admin 405
    When I send DELETE /__sim/info
    Then the status is 405
    And the body is JSON:
      """
      {"error": "method DELETE not allowed on /__sim/info"}
      """
