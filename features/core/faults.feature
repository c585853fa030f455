@sim
Feature: fault rules make the next matching requests fail, slow down or vanish

  POST /__sim/faults adds a rule matching a method (any when left out) and a path
  (exact, or a glob where * stays in one segment and ** crosses segments). A rule
  answers with a status, headers and body, or delays the request, or drops the
  connection, for the next `times` matching requests (until removed when left out).

  Background:
    Given a demo simulator
    And I am authenticated

  Scenario: a status and body fault answers the next matching request exactly
    Given a fault for GET /api/notes/1 answering 503 with body:
      """
      {"message": "Service Unavailable"}
      """
    When I send GET /api/notes/1
    Then the status is 503
    And the header "content-type" is "application/json"
    And the body is JSON:
      """
      {"message": "Service Unavailable"}
      """
    When I send GET /api/notes/1
    Then the status is 200
    And the JSON at "/text" is "welcome to cartsim"

  Scenario: a text body is answered as text, with the headers asked for
    Given a fault:
      """
      {"method": "GET", "path": "/api/time", "status": 429,
       "headers": {"Retry-After": "7"}, "body": "slow down", "times": 1}
      """
    When I send GET /api/time
    Then the status is 429
    And the header "retry-after" is "7"
    And the header "content-type" is "text/plain; charset=utf-8"
    And the body is "slow down"

  Scenario: times is honoured, then the real answer comes back
    Given a fault for POST /api/notes answering 500 for 2 requests
    When I send POST /api/notes with body:
      """
      {"text": "first"}
      """
    Then the status is 500
    And the body is empty
    When I send POST /api/notes with body:
      """
      {"text": "second"}
      """
    Then the status is 500
    When I send POST /api/notes with body:
      """
      {"text": "third"}
      """
    Then the status is 201
    # The faulted requests never reached the service: no id was taken.
    And the JSON at "/id" is "2"
    And the JSON at "/text" is "third"

  Scenario: a rule without times stays until removed
    When I send POST /__sim/faults with body:
      """
      {"path": "/api/time", "status": 502}
      """
    Then the status is 201
    And the JSON at "/remaining" is "null"
    And I remember the JSON at "/id" as "rule"
    When I send GET /api/time
    Then the status is 502
    When I send GET /api/time
    Then the status is 502
    When I send GET /__sim/faults
    Then the JSON at "/faults/0/hits" is "2"
    When I send DELETE /__sim/faults/{rule}
    Then the status is 200
    And the body is JSON:
      """
      {"removed": {rule}}
      """
    When I send GET /api/time
    Then the status is 200
    And the JSON at "/now" is "2025-07-21T20:49:08Z"
    When I send DELETE /__sim/faults/{rule}
    Then the status is 404
    And the body is JSON:
      """
      {"error": "no fault rule {rule}"}
      """

  Scenario: ** matches across segments
    Given a fault:
      """
      {"path": "/api/**", "status": 503, "times": 2}
      """
    When I send GET /api/notes/1
    Then the status is 503
    When I send DELETE /api/notes/1
    Then the status is 503
    When I send GET /api/notes/1
    Then the status is 200

  Scenario: * stays within one segment
    Given a fault:
      """
      {"path": "/api/*", "status": 503, "times": 1}
      """
    When I send GET /api/notes/1
    Then the status is 200
    When I send GET /api/time
    Then the status is 503
    When I send GET /api/time
    Then the status is 200

  Scenario: a rule for one method leaves the others alone
    Given a fault for DELETE /api/notes/1 answering 500 for 1 request
    When I send GET /api/notes/1
    Then the status is 200
    When I send DELETE /api/notes/1
    Then the status is 500
    When I send GET /api/notes/1
    Then the status is 200
    And the JSON at "/id" is "1"

  Scenario: the first rule added wins
    Given a fault for GET /api/time answering 500 for 1 request
    And a fault for GET /api/time answering 502 for 1 request
    When I send GET /api/time
    Then the status is 500
    When I send GET /api/time
    Then the status is 502
    When I send GET /api/time
    Then the status is 200

  Scenario: a delay fault still answers the real response
    When I send POST /__sim/faults with body:
      """
      {"method": "GET", "path": "/api/notes/1", "delay_ms": 50, "times": 1}
      """
    Then the status is 201
    And I remember the JSON at "/id" as "rule"
    When I send GET /api/notes/1
    Then the status is 200
    And the JSON at "/text" is "welcome to cartsim"
    When I send GET /__sim/requests
    Then the JSON at "/requests/0/fault" is "{rule}"
    And the JSON at "/requests/0/status" is "200"
    When I send GET /__sim/faults
    Then the JSON at "/faults" has 0 items

  Scenario: a drop fault drops the connection
    Given a fault for GET /api/notes/1 dropping the connection
    When I send GET /api/notes/1
    Then the connection is dropped
    When I send GET /api/notes/1
    Then the status is 200
    When I send GET /__sim/requests
    Then the JSON at "/requests" has 2 items
    And the JSON at "/requests/0/status" is "null"
    And the JSON at "/requests/1/status" is "200"
    And the JSON at "/requests/1/fault" is "null"

  Scenario: a fault with no effect is refused, saying why
    When I send POST /__sim/faults with body:
      """
      {"path": "/api/notes"}
      """
    Then the status is 400
    And the header "content-type" is "application/json"
    And the body is JSON:
      """
      {"error": "a fault needs at least one of status, delay_ms or drop"}
      """

  Scenario Outline: a bad fault spec is a 400 naming the problem, and nothing is added
    When I send POST /__sim/faults with body:
      """
      <spec>
      """
    Then the status is 400
    And the JSON at "/error" contains "<problem>"
    When I send GET /__sim/faults
    Then the JSON at "/faults" has 0 items

    Examples:
      | spec                                                | problem                                             |
      | {"path": "/api/notes", "status": 503, "drop": true} | drop cannot be combined with status, headers or body |
      | {"path": "/api/notes", "body": "x"}                 | headers and body need a status                      |
      | {"path": "/api/notes", "status": 99}                | status must be between 200 and 599 (a 1xx is not a final answer), got 99 |
      | {"path": "/api/notes", "status": 101}               | status must be between 200 and 599 (a 1xx is not a final answer), got 101 |
      | {"path": "/api/notes", "method": "GE T", "status": 503} | can never match: give an HTTP method              |
      | {"path": "/api/notes", "method": "", "status": 503} | can never match: give an HTTP method                |
      | {"path": "/api/notes", "status": 503, "headers": {"Connection": "close"}} | cannot be set by a fault: the server sets it |
      | {"path": "/api/notes", "status": 503, "headers": {"Transfer-Encoding": "chunked"}} | cannot be set by a fault: the server sets it |
      | {"path": "/api/notes", "status": 200, "headers": {"Content-Length": "3"}} | cannot be set by a fault: the server sets it |
      | {"path": "/api/notes", "status": 503, "headers": {"bad name": "x"}} | invalid header name                   |
      | {"path": "/api/notes", "status": 204, "body": "x"}  | a 204 answer has no body                            |
      | {"path": "/api/notes", "status": 304, "body": {}}   | a 304 answer has no body                            |
      | {"path": "/api/notes", "drop": true, "headers": {"X-A": "1"}} | drop cannot be combined with status, headers or body |
      | {"path": "/api/notes", "status": 503, "times": 0}   | times must be at least 1                            |
      | {"path": "api/notes", "status": 503}                | a path pattern starts with '/'                      |
      | {"path": "/api/[", "status": 503}                   | invalid path pattern                                |
      | {"path": "/api/notes", "stauts": 503}               | unknown field `stauts`                              |
      | {"status": 503}                                     | missing field `path`                                |
      | {"path": "/api/notes", "status": 503,               | EOF while parsing                                   |

  Scenario: DELETE /__sim/faults removes every rule
    Given a fault for GET /api/time answering 500 for 3 requests
    And a fault for POST /api/notes answering 503 for 1 request
    When I send GET /__sim/faults
    Then the JSON at "/faults" has 2 items
    And the JSON at "/faults/0/method" is "GET"
    And the JSON at "/faults/0/path" is "/api/time"
    And the JSON at "/faults/0/remaining" is "3"
    When I send DELETE /__sim/faults
    Then the status is 200
    And the body is JSON:
      """
      {"cleared": 2}
      """
    When I send GET /api/time
    Then the status is 200
    When I send GET /__sim/faults
    Then the JSON at "/faults" has 0 items
