@sim
Feature: the request journal records what clients sent and what they got

  GET /__sim/requests lists every platform request, oldest first: method, path,
  query, headers, body, status, time (by the simulator's clock) and the fault rule
  that answered, if any. Filters: ?method= (any case) and ?path= (exact or glob).
  Admin requests are not journaled.

  Background:
    Given a demo simulator
    And I am authenticated

  Scenario: requests are listed with method, path, query, status and body
    When I send GET /api/notes?limit=5&sort=id
    And I send POST /api/notes with body:
      """
      {"text": "journaled"}
      """
    And I send GET /__sim/requests
    Then the status is 200
    And the JSON at "/enabled" is "true"
    And the JSON at "/count" is "2"
    And the JSON at "/requests" has 2 items
    And the JSON at "/requests/0/method" is "GET"
    And the JSON at "/requests/0/path" is "/api/notes"
    And the JSON at "/requests/0/query" is "limit=5&sort=id"
    And the JSON at "/requests/0/status" is "200"
    And the JSON at "/requests/0/body" is '""'
    And the JSON at "/requests/0/time" is "2025-07-21T20:49:08Z"
    And the JSON at "/requests/0/headers/authorization" is "Bearer demo-token"
    And the JSON at "/requests/0/fault" is "null"
    And the JSON at "/requests/1/method" is "POST"
    And the JSON at "/requests/1/path" is "/api/notes"
    And the JSON at "/requests/1/query" is "null"
    And the JSON at "/requests/1/status" is "201"
    And the JSON at "/requests/1/body" is '"{\"text\": \"journaled\"}"'
    And the JSON at "/requests/1/body_truncated" is "false"
    And the JSON at "/requests/1/headers/content-type" is "application/json"

  Scenario: refused requests are journaled with the status they got
    When I send GET /api/nope
    And I send GET /__sim/requests
    Then the JSON at "/requests" has 1 item
    And the JSON at "/requests/0/path" is "/api/nope"
    And the JSON at "/requests/0/status" is "404"

  Scenario: the journal filters by method and by path glob
    When I send GET /api/notes
    And I send GET /api/notes/1
    And I send GET /api/time
    And I send POST /api/notes with body:
      """
      {"text": "filtered"}
      """
    Then the journal has 4 requests
    And the journal has 1 request for POST /api/notes
    And the journal has 1 request for GET /api/notes
    And the journal has 1 request for GET /api/notes/**
    And the journal has 3 requests for GET /api/**
    And the journal has 0 requests for DELETE /api/**
    When I send GET /__sim/requests?method=get
    Then the JSON at "/count" is "3"
    When I send GET /__sim/requests?path=/api/*
    Then the JSON at "/count" is "3"
    And the JSON at "/requests/0/path" is "/api/notes"
    And the JSON at "/requests/1/path" is "/api/time"
    And the JSON at "/requests/2/path" is "/api/notes"
    When I send GET /__sim/requests?method=POST&path=/api/notes
    Then the JSON at "/count" is "1"
    And the JSON at "/requests/0/method" is "POST"

  Scenario: a bad filter is refused
    When I send GET /__sim/requests?path=/api/[
    Then the status is 400
    And the JSON at "/error" contains "invalid path pattern"
    When I send GET /__sim/requests?colour=red
    Then the status is 400
    And the JSON at "/error" contains "unknown field `colour`"

  Scenario: admin requests are not journaled
    When I send GET /__sim/info
    And I send GET /__sim/clock
    And I send GET /__sim/state
    And I send GET /__sim/faults
    Then the journal has 0 requests
    When I send GET /api/time
    Then the journal has 1 request

  Scenario: DELETE /__sim/requests clears the journal
    When I send GET /api/time
    And I send GET /api/notes/1
    And I send DELETE /__sim/requests
    Then the status is 200
    And the body is JSON:
      """
      {"cleared": 2}
      """
    And the journal has 0 requests
    When I send GET /api/time
    Then the journal has 1 request for GET /api/time
