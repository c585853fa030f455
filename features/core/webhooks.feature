@sim
Feature: published notes are announced by webhook, with retries and a delivery log

  PUT /api/webhook {"url"} subscribes a URL to note.published. The simulator POSTs
  the note there, retries with backoff when the receiver fails, and logs every
  delivery and attempt in GET /__sim/webhooks. The first attempt goes out at once; the
  retries wait on the simulator clock, so a scenario (whose clock is frozen) advances
  it to make them happen. The receivers here run inside the test process on 127.0.0.1;
  in-process instances retry 10 ms and 30 ms after the first attempt.

  Background:
    Given a demo simulator
    And I am authenticated

  Scenario: a published note is delivered to the subscriber
    Given a webhook receiver
    When I send PUT /api/webhook with body:
      """
      {"url": "{receiver_url}"}
      """
    Then the status is 200
    And the body is JSON:
      """
      {"url": "{receiver_url}"}
      """
    When I send POST /api/notes with body:
      """
      {"text": "hello hooks"}
      """
    Then the status is 201
    When the webhook deliveries have settled
    Then the JSON at "/deliveries" has 1 item
    And the JSON at "/deliveries/0/event" is "note.published"
    And the JSON at "/deliveries/0/url" is "{receiver_url}"
    And the JSON at "/deliveries/0/state" is "delivered"
    And the JSON at "/deliveries/0/headers/x-demo-event" is "note.published"
    And the JSON at "/deliveries/0/attempts" is '[{"at": "2025-07-21T20:49:08Z", "status": 200, "error": null}]'
    And the receiver got 1 webhook
    When I look at received webhook 1
    Then the header "x-demo-event" is "note.published"
    And the header "content-type" is "application/json"
    And the body is JSON:
      """
      {"id": 2, "text": "hello hooks", "status": "published",
       "created_at": "2025-07-21T20:49:08Z", "published_at": "2025-07-21T20:49:08Z"}
      """

  Scenario: a draft is announced only when it is published
    Given a webhook receiver
    And the lifecycle mode is explicit
    When I send PUT /api/webhook with body:
      """
      {"url": "{receiver_url}"}
      """
    And I send POST /api/notes with body:
      """
      {"text": "not yet"}
      """
    And the webhook deliveries have settled
    Then the JSON at "/deliveries" has 0 items
    And the receiver got 0 webhooks
    When I advance the clock by 30 seconds
    And I send POST /__sim/notes/2/publish
    Then the status is 200
    When the webhook deliveries have settled
    Then the JSON at "/deliveries/0/state" is "delivered"
    And the JSON at "/deliveries/0/attempts/0/at" is "2025-07-21T20:49:38Z"
    And the receiver got 1 webhook
    When I look at received webhook 1
    Then the JSON at "/published_at" is "2025-07-21T20:49:38Z"

  Scenario: without a subscriber nothing is sent
    When I send POST /api/notes with body:
      """
      {"text": "nobody listens"}
      """
    And the webhook deliveries have settled
    Then the JSON at "/deliveries" has 0 items

  Scenario: a subscription URL must be http or https
    When I send PUT /api/webhook with body:
      """
      {"url": "ftp://example.invalid/hooks"}
      """
    Then the status is 400
    And the body is JSON:
      """
      {"error": "bad_request", "message": "url must be http:// or https://"}
      """

  @inprocess
  Scenario: a receiver that is down gets every attempt, then the delivery gives up
    Given a webhook receiver that is down
    When I send PUT /api/webhook with body:
      """
      {"url": "{receiver_url}"}
      """
    And I send POST /api/notes with body:
      """
      {"text": "into the void"}
      """
    And the webhook deliveries have settled
    Then the JSON at "/deliveries/0/state" is "pending"
    And the JSON at "/deliveries/0/attempts" has 1 item
    When I advance the clock by 1 second
    And the webhook deliveries have settled
    Then the JSON at "/deliveries/0/state" is "gave_up"
    And the JSON at "/deliveries/0/attempts" has 3 items
    And the JSON at "/deliveries/0/attempts/0/status" is "null"
    And the JSON at "/deliveries/0/attempts/2/status" is "null"
    And the JSON at "/deliveries/0/attempts/2/error" contains "error sending request"

  @inprocess
  Scenario: a receiver that answers 503 is retried, then the delivery gives up
    Given a webhook receiver answering 503
    When I send PUT /api/webhook with body:
      """
      {"url": "{receiver_url}"}
      """
    And I send POST /api/notes with body:
      """
      {"text": "unwelcome"}
      """
    And the webhook deliveries have settled
    Then the JSON at "/deliveries/0/state" is "pending"
    And the JSON at "/deliveries/0/attempts" is '[{"at": "2025-07-21T20:49:08Z", "status": 503, "error": "receiver answered 503"}]'
    And the receiver got 1 webhook
    # The first retry is due 10 ms after the first attempt: not a moment sooner.
    When I send POST /__sim/clock/advance with body:
      """
      {"ms": 9}
      """
    And the webhook deliveries have settled
    Then the JSON at "/deliveries/0/attempts" has 1 item
    When I send POST /__sim/clock/advance with body:
      """
      {"ms": 1}
      """
    And the webhook deliveries have settled
    Then the JSON at "/deliveries/0/state" is "pending"
    And the JSON at "/deliveries/0/attempts" has 2 items
    And the receiver got 2 webhooks
    # One move past the last retry makes it too.
    When I advance the clock by 1 second
    And the webhook deliveries have settled
    Then the JSON at "/deliveries/0/state" is "gave_up"
    And the JSON at "/deliveries/0/attempts" is '[{"at": "2025-07-21T20:49:08Z", "status": 503, "error": "receiver answered 503"}, {"at": "2025-07-21T20:49:08Z", "status": 503, "error": "receiver answered 503"}, {"at": "2025-07-21T20:49:09Z", "status": 503, "error": "receiver answered 503"}]'
    And the JSON at "/deliveries/0/next_attempt_at" is "null"
    And the receiver got 3 webhooks

  Scenario: DELETE /__sim/webhooks forgets finished deliveries
    Given a webhook receiver
    When I send PUT /api/webhook with body:
      """
      {"url": "{receiver_url}"}
      """
    And I send POST /api/notes with body:
      """
      {"text": "soon forgotten"}
      """
    And the webhook deliveries have settled
    Then the JSON at "/deliveries" has 1 item
    When I send DELETE /__sim/webhooks
    Then the status is 200
    And the body is JSON:
      """
      {"cleared": true}
      """
    When I send GET /__sim/webhooks
    Then the JSON at "/deliveries" has 0 items
