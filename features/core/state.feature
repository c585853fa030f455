@sim
Feature: the whole state can be reset, exported and imported

  POST /__sim/reset goes back to the fixture (journal, faults, webhook log and
  lifecycle mode too). GET /__sim/state exports the whole state as JSON and
  PUT /__sim/state imports it, id counters included.

  Background:
    Given a demo simulator
    And I am authenticated

  Scenario: the exported state is the fixture
    When I send GET /__sim/state
    Then the status is 200
    And the body is JSON:
      """
      {
        "token": "demo-token",
        "notes": {
          "1": {"id": 1, "text": "welcome to cartsim", "status": "published",
                "created_at": "2025-07-21T20:49:08Z", "published_at": "2025-07-21T20:49:08Z"}
        },
        "ids": {"next": 2},
        "webhook_url": null,
        "pending": {"items": [], "next_seq": 0}
      }
      """

  Scenario: reset goes back to the fixture
    When I send POST /api/notes with body:
      """
      {"text": "to be forgotten"}
      """
    And I send DELETE /api/notes/1
    Then the status is 204
    Given the lifecycle mode is explicit
    And a fault for GET /api/time answering 500 for 5 requests
    When I reset the simulator
    Then the status is 200
    And the body is JSON:
      """
      {"reset": true}
      """
    When I send GET /api/notes
    Then the JSON at "/total" is "1"
    And the JSON at "/items/0/id" is "1"
    And the JSON at "/items/0/text" is "welcome to cartsim"
    And the journal has 1 request
    When I send GET /api/time
    Then the status is 200
    When I send GET /__sim/lifecycle
    Then the JSON at "/mode" is "immediate"
    When I send POST /api/notes with body:
      """
      {"text": "counting again"}
      """
    Then the JSON at "/id" is "2"
    And the JSON at "/status" is "published"

  Scenario: export, change, import restores the state, id counter included
    When I export the state as "before"
    And I send POST /api/notes with body:
      """
      {"text": "written after the export"}
      """
    And I send POST /api/notes with body:
      """
      {"text": "and another"}
      """
    And I send DELETE /api/notes/1
    And I send GET /api/notes
    Then the JSON at "/total" is "2"
    When I import the state "before"
    And I send GET /api/notes
    Then the body is JSON:
      """
      {"total": 1, "items": [
        {"id": 1, "text": "welcome to cartsim", "status": "published",
         "created_at": "2025-07-21T20:49:08Z", "published_at": "2025-07-21T20:49:08Z"}
      ]}
      """
    When I send POST /api/notes with body:
      """
      {"text": "after the import"}
      """
    Then the JSON at "/id" is "2"

  Scenario: an imported state replaces the whole state
    When I send PUT /__sim/state with body:
      """
      {
        "token": "another-token",
        "notes": {
          "7": {"id": 7, "text": "imported", "status": "draft",
                "created_at": "2024-01-01T00:00:00Z", "published_at": null}
        },
        "ids": {"next": 10}
      }
      """
    Then the status is 200
    And the body is JSON:
      """
      {"imported": true}
      """
    When I send GET /api/notes
    Then the status is 401
    Given the request header "Authorization" is "Bearer another-token"
    When I send GET /api/notes/7
    Then the JSON at "/text" is "imported"
    When I send POST /api/notes with body:
      """
      {"text": "next"}
      """
    Then the JSON at "/id" is "10"
    When I send GET /__sim/info
    Then the JSON at "/credentials/token" is "another-token"

  Scenario Outline: a state that does not hold together is refused, and nothing changes
    When I send PUT /__sim/state with body:
      """
      <state>
      """
    Then the status is 400
    And the JSON at "/error" contains "state not imported: <problem>"
    When I send GET /api/notes
    Then the status is 200
    And the JSON at "/total" is "1"

    Examples:
      | state                                                                                                                                                | problem                                      |
      | {"token": "t", "notes": {}, "ids": {"next": 1}, "bogus": 1}                                                                                          | unknown field `bogus`                        |
      | {"token": "t", "notes": {}}                                                                                                                          | missing field `ids`                          |
      | {"token": "t", "notes": {"5": {"id": 5, "text": "x", "status": "draft", "created_at": "x", "published_at": null}}, "ids": {"next": 5}}                | note id 5 is not below the next id 5         |
      | {"token": "t", "notes": {"3": {"id": 4, "text": "x", "status": "draft", "created_at": "x", "published_at": null}}, "ids": {"next": 9}}                | note under key 3 has id 4                    |
      | {"token": "t", "notes": {"1": {"id": 1, "text": "x", "status": "published", "created_at": "x", "published_at": null}}, "ids": {"next": 2}}            | note 1: published_at must be set exactly when published |
