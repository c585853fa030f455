@sim
Feature: the simulator's clock is the only source of time

  Every timestamp the service writes comes from the simulator's clock. Scenarios
  start with it frozen at 2025-07-21T20:49:08Z; POST /__sim/clock/advance moves it
  and PUT /__sim/clock sets it.

  Background:
    Given a demo simulator
    And I am authenticated

  Scenario: the clock reads the scenario's starting instant
    When I send GET /__sim/clock
    Then the status is 200
    And the body is JSON:
      """
      {"now": "2025-07-21T20:49:08Z", "unix": 1753130948, "mode": "manual"}
      """
    When I send GET /api/time
    Then the body is JSON:
      """
      {"now": "2025-07-21T20:49:08Z"}
      """

  Scenario: advancing the clock moves what the service sees
    When I advance the clock by 90 seconds
    Then the status is 200
    And the body is JSON:
      """
      {"now": "2025-07-21T20:50:38Z", "unix": 1753131038, "mode": "manual"}
      """
    And the clock reads "2025-07-21T20:50:38Z"
    When I send GET /api/time
    Then the JSON at "/now" is "2025-07-21T20:50:38Z"

  Scenario: new notes are stamped by the clock
    When I advance the clock by 3600 seconds
    And I send POST /api/notes with body:
      """
      {"text": "an hour later"}
      """
    Then the status is 201
    And the JSON at "/created_at" is "2025-07-21T21:49:08Z"
    And the JSON at "/published_at" is "2025-07-21T21:49:08Z"
    When I send GET /api/notes/1
    Then the JSON at "/created_at" is "2025-07-21T20:49:08Z"

  Scenario: the clock advances by milliseconds too, shown to the second
    When I send POST /__sim/clock/advance with body:
      """
      {"ms": 1500}
      """
    Then the status is 200
    And the JSON at "/now" is "2025-07-21T20:49:09Z"
    When I send POST /__sim/clock/advance with body:
      """
      {"ms": 500}
      """
    Then the JSON at "/now" is "2025-07-21T20:49:10Z"

  Scenario: PUT /__sim/clock sets the clock
    When I send PUT /__sim/clock with body:
      """
      {"now": "2030-01-01T00:00:00Z"}
      """
    Then the status is 200
    And the JSON at "/now" is "2030-01-01T00:00:00Z"
    And the JSON at "/unix" is "1893456000"
    When I send GET /api/time
    Then the JSON at "/now" is "2030-01-01T00:00:00Z"
    When I send PUT /__sim/clock with body:
      """
      {"unix": 0}
      """
    Then the JSON at "/now" is "1970-01-01T00:00:00Z"
    And the clock reads "1970-01-01T00:00:00Z"

  Scenario Outline: a bad clock request is a 400 saying what to give
    When I send <method> <path> with body:
      """
      <body>
      """
    Then the status is 400
    And the JSON at "/error" contains "<problem>"
    And the clock reads "2025-07-21T20:49:08Z"

    Examples:
      | method | path                | body                                        | problem                                           |
      | PUT    | /__sim/clock        | {}                                          | give exactly one of now (RFC 3339) or unix (seconds) |
      | PUT    | /__sim/clock        | {"now": "2030-01-01T00:00:00Z", "unix": 0} | give exactly one of now (RFC 3339) or unix (seconds) |
      | PUT    | /__sim/clock        | {"now": "tomorrow"}                         | now                                               |
      | POST   | /__sim/clock/advance | {}                                         | give exactly one of seconds or ms                 |
      | POST   | /__sim/clock/advance | {"seconds": -5}                            | seconds                                           |
      | POST   | /__sim/clock/advance | {"ms": -5}                                 | ms                                                |
      | POST   | /__sim/clock/advance | {"seconds": 9223372036854775807}           | the clock cannot advance by                       |
      | POST   | /__sim/clock/advance | {"ms": 18446744073709551615}               | the latest instant it can show is 9999-12-31T23:59:59Z |
      | PUT    | /__sim/clock        | {"unix": 253402300800}                      | unix time out of range                            |
      | PUT    | /__sim/clock        | {"now": "9999-12-31T23:30:00-01:00"}        | is out of the range the clock can show            |

  Scenario: a clock at the end of time refuses to pass it, and keeps serving
    When I send PUT /__sim/clock with body:
      """
      {"now": "9999-12-31T23:59:59Z"}
      """
    Then the status is 200
    When I advance the clock by 1 second
    Then the status is 400
    And the JSON at "/error" contains "the clock cannot advance by 1s from 9999-12-31T23:59:59Z"
    And the clock reads "9999-12-31T23:59:59Z"
    When I send GET /api/time
    Then the status is 200
    And the JSON at "/now" is "9999-12-31T23:59:59Z"

  @inprocess
  Scenario: reset brings the clock back to where the instance started
    When I advance the clock by 600 seconds
    And I reset the simulator
    Then the clock reads "2025-07-21T20:49:08Z"
