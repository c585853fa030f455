<?php
// The Tunetoo docs' own PHP signing recipe (seed 004, "Exemples d'authentification")
// against `cartsim serve`:
//
//     cargo run --release -p cartsim -- serve --only tunetoo &
//     php examples/tunetoo_php.php [http://127.0.0.1:8084]
//
// base64_encode(hash_hmac('sha256', json_encode($data), $secret, true)), with the docs'
// example key and secret; GET and DELETE sign json_encode([]). Creates the docs' order
// (json_encode escapes its URLs' slashes: those bytes are what is signed and sent),
// reads it back, lists orders by date and status, registers and deletes a webhook, and
// checks that a wrong signature gets the docs' 401. Standard PHP only (no curl).
// Exits non-zero when an answer differs.

$base = $argv[1] ?? 'http://127.0.0.1:8084';
$api_key = "31938dd85ab5a2bfce57e9eexample";
$secret = "bc69152203689725a73fc45example";

function call($method, $path, $data = null, $signature = null)
{
    global $base, $api_key, $secret;
    $json_data = json_encode($data === null ? [] : $data);
    $signature = $signature ?? base64_encode(hash_hmac('sha256', $json_data, $secret, true));
    $headers = "X-TUNETOO-API-KEY: $api_key\r\nX-TUNETOO-SIGNATURE: $signature\r\n";
    $options = ['method' => $method, 'header' => $headers, 'ignore_errors' => true, 'timeout' => 10];
    if ($data !== null) {
        $options['header'] .= "Content-Type: application/json\r\n";
        $options['content'] = $json_data;
    }
    $body = file_get_contents($base . $path, false, stream_context_create(['http' => $options]));
    preg_match('/^HTTP\/\S+ (\d+)/', $http_response_header[0], $m);
    return [(int) $m[1], json_decode($body, true)];
}

function expect($what, $ok, $got)
{
    if (!$ok) {
        fwrite(STDERR, "FAIL $what: " . json_encode($got) . "\n");
        exit(1);
    }
    echo "ok   $what\n";
}

// Back to the fixture (the admin API needs no signature).
file_get_contents("$base/__sim/reset", false, stream_context_create(['http' => ['method' => 'POST']]));

$data = [
    'external' => ['id' => 1, 'options' => [
        ['name' => 'commande-tunetoo', 'value' => 'Commande Tunetoo'],
        ['name' => 'boutique-api', 'value' => 'Boutique API'],
    ]],
    'shipping_address' => [
        'first_name' => 'Hewitt', 'last_name' => 'Santos', 'address1' => '242 Remsen Avenue',
        'address2' => '', 'city' => 'Bagtown', 'country' => 'France', 'country_code' => 'FR',
        'zip' => 75001, 'phone' => '0611223344', 'email' => 'hewitt@santos.fr',
    ],
    'items' => [[
        'external' => ['id' => 26, 'options' => [['name' => 'tshirt', 'value' => 'T-Shirt']]],
        'sku_base' => 'TSH180_856_M',
        'quantity' => 15,
        'files' => [[
            'zone' => 'front', 'type' => 'image',
            'value' => 'https://www.tunetoo.com/images/impression.png', 'collar_distance' => '3',
        ]],
    ]],
];
[$status, $order] = call('POST', '/v1/orders', $data);
expect("POST /v1/orders -> $status", $status === 200 && $order['status'] === 'awaiting_payment'
    && $order['items'][0]['sku_base'] === 'TSH180_856_M' && $order['shipping_address']['zip'] === '75001', $order);

[$status, $got] = call('GET', '/v1/orders/' . $order['id']);
expect("GET /v1/orders/{$order['id']} -> $status", $status === 200 && $got == $order, $got);

$today = substr($order['created_at'], 0, 10);
[$status, $list] = call('GET', "/v1/orders?created_at=$today&status=awaiting_payment");
expect("GET /v1/orders?created_at=$today&status=awaiting_payment -> $status", $status === 200 && count($list) === 1, $list);

[$status, $hook] = call('POST', '/v1/webhooks', ['target' => 'https://www.test.com/order-fulfilled-new.php', 'event' => 'order_fullfilled']);
expect("POST /v1/webhooks -> $status", $status === 200 && $hook['event'] === 'order_fullfilled', $hook);
[$status, $deleted] = call('DELETE', '/v1/webhooks/' . $hook['id']);
expect("DELETE /v1/webhooks/{$hook['id']} -> $status", $status === 200 && $deleted == $hook, $deleted);

[$status, $refused] = call('GET', '/v1/orders', null, base64_encode(hash_hmac('sha256', json_encode(new stdClass()), $secret, true)));
expect("GET signed over {} -> $status", $status === 401
    && $refused == ['code' => 'error', 'message' => 'Unauthorized', 'data' => ['status' => 401]], $refused);

echo "the docs' PHP recipe is accepted\n";
