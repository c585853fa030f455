@sim
Feature: notes go draft → published, immediately, on demand, or by the clock

  The lifecycle mode (GET · PUT /__sim/lifecycle) decides when a new note is
  published: at once (immediate, the default), when POST /__sim/notes/{id}/publish
  says so (explicit), or step_seconds after it was written, by the simulator's clock
  (timed).

  Background:
    Given a demo simulator
    And I am authenticated

  Scenario: immediate mode publishes a note at once
    When I send GET /__sim/lifecycle
    Then the body is JSON:
      """
      {"mode": "immediate"}
      """
    When I send POST /api/notes with body:
      """
      {"text": "straight out"}
      """
    Then the status is 201
    And the body is JSON:
      """
      {"id": 2, "text": "straight out", "status": "published",
       "created_at": "2025-07-21T20:49:08Z", "published_at": "2025-07-21T20:49:08Z"}
      """

  Scenario: explicit mode keeps a note in draft until the admin API publishes it
    Given the lifecycle mode is explicit
    When I send POST /api/notes with body:
      """
      {"text": "wait for it"}
      """
    Then the status is 201
    And the JSON at "/status" is "draft"
    And the JSON at "/published_at" is "null"
    When I advance the clock by 3600 seconds
    And I send GET /api/notes/2
    Then the JSON at "/status" is "draft"
    When I send POST /__sim/notes/2/publish
    Then the status is 200
    And the JSON at "/status" is "published"
    And the JSON at "/created_at" is "2025-07-21T20:49:08Z"
    And the JSON at "/published_at" is "2025-07-21T21:49:08Z"
    When I send GET /api/notes/2
    Then the JSON at "/status" is "published"

  Scenario: publishing twice is a conflict
    Given the lifecycle mode is explicit
    When I send POST /api/notes with body:
      """
      {"text": "once only"}
      """
    And I send POST /__sim/notes/2/publish
    Then the status is 200
    When I send POST /__sim/notes/2/publish
    Then the status is 409
    And the body is JSON:
      """
      {"error": "note 2 is already published"}
      """

  Scenario: publishing an unknown note is a 404
    When I send POST /__sim/notes/99/publish
    Then the status is 404
    And the body is JSON:
      """
      {"error": "note 99 not found"}
      """

  Scenario: timed mode publishes a note step_seconds after it was written
    Given the lifecycle mode is timed with steps of 60 seconds
    When I send POST /api/notes with body:
      """
      {"text": "in a minute"}
      """
    Then the status is 201
    And the JSON at "/status" is "draft"
    When I advance the clock by 59 seconds
    And I send GET /api/notes/2
    Then the JSON at "/status" is "draft"
    And the JSON at "/published_at" is "null"
    When I advance the clock by 1 second
    And I send GET /api/notes/2
    Then the JSON at "/status" is "published"
    And the JSON at "/published_at" is "2025-07-21T20:50:08Z"

  Scenario: in timed mode, the admin API can still publish early
    Given the lifecycle mode is timed with steps of 60 seconds
    When I send POST /api/notes with body:
      """
      {"text": "early"}
      """
    And I send POST /__sim/notes/2/publish
    Then the JSON at "/published_at" is "2025-07-21T20:49:08Z"
    When I advance the clock by 120 seconds
    And I send GET /api/notes/2
    Then the JSON at "/status" is "published"
    And the JSON at "/published_at" is "2025-07-21T20:49:08Z"

  Scenario: the mode reads back as it was set, timed with its default step
    When I send PUT /__sim/lifecycle with body:
      """
      {"mode": "timed"}
      """
    Then the status is 200
    And the body is JSON:
      """
      {"mode": "timed", "step_seconds": 60}
      """
    When I send GET /__sim/lifecycle
    Then the body is JSON:
      """
      {"mode": "timed", "step_seconds": 60}
      """

  Scenario: an unknown mode is refused
    When I send PUT /__sim/lifecycle with body:
      """
      {"mode": "sometimes"}
      """
    Then the status is 400
    And the JSON at "/error" contains "unknown variant `sometimes`"
    When I send GET /__sim/lifecycle
    Then the JSON at "/mode" is "immediate"
