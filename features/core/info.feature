@sim
Feature: GET /__sim/info tells a client what it is talking to

  Every simulator port answers GET /__sim/info with its platform, the version it
  plays, the base URL to use and the credentials the platform accepts.

  Background:
    Given a demo simulator

  Scenario: info names the platform, version, base URL and credentials
    When I send GET /__sim/info
    Then the status is 200
    And the header "content-type" is "application/json"
    And the body is JSON:
      """
      {
        "platform": "demo",
        "version": "0.1.0",
        "base_url": "{base_url}",
        "credentials": {"token": "demo-token"}
      }
      """

  Scenario: the credentials info shows are the ones the service accepts
    When I send GET /__sim/info
    Then I remember the JSON at "/credentials/token" as "token"
    Given the request header "Authorization" is "Bearer {token}"
    When I send GET /api/notes
    Then the status is 200
    And the JSON at "/total" is "1"
