#!/usr/bin/env python3
"""A small OAuth 1.0a (RFC 5849) request signer, Python 3 standard library only.

It shares no code with the simulator's verifier, so the load script's OAuth workload
checks the simulator against an independent client. Pinned by the worked example of the
Magento reference (shared/reference/magento2.md, section 2.5.5):

    python3 scripts/oauth1.py --self-test

As a module: ``authorization(method, url, credentials, nonce, timestamp)`` returns the
``Authorization`` header value (HMAC-SHA256 unless ``signature_method`` says HMAC-SHA1).
"""

import base64
import hashlib
import hmac
import sys
import urllib.parse

__all__ = [
    "Credentials",
    "authorization",
    "base_string",
    "percent_encode",
    "presigned",
]


class Credentials:
    """An integration's four secrets."""

    def __init__(self, consumer_key, consumer_secret, token, token_secret):
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.token = token
        self.token_secret = token_secret


def percent_encode(text):
    """RFC 3986 encoding: only A-Z a-z 0-9 - . _ ~ stay as they are."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    return urllib.parse.quote(text, safe="-._~")


def _base_url(url):
    """scheme://host[:port]/path, scheme and host lower-cased, default port dropped."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    return f"{scheme}://{host}{parts.path or '/'}"


def base_string(method, url, params):
    """The signature base string; ``params`` are decoded (name, value) pairs."""
    encoded = sorted((percent_encode(n), percent_encode(v)) for n, v in params)
    normalized = "&".join(f"{n}={v}" for n, v in encoded)
    return "&".join(
        [method.upper(), percent_encode(_base_url(url)), percent_encode(normalized)]
    )


def authorization(
    method, url, credentials, nonce, timestamp, signature_method="HMAC-SHA256"
):
    """The ``Authorization: OAuth …`` value for a request without a form body."""
    oauth = [
        ("oauth_consumer_key", credentials.consumer_key),
        ("oauth_nonce", nonce),
        ("oauth_signature_method", signature_method),
        ("oauth_timestamp", str(timestamp)),
        ("oauth_token", credentials.token),
        ("oauth_version", "1.0"),
    ]
    query = urllib.parse.urlsplit(url).query
    params = oauth + urllib.parse.parse_qsl(query, keep_blank_values=True)
    digest = {"HMAC-SHA256": hashlib.sha256, "HMAC-SHA1": hashlib.sha1}[
        signature_method
    ]
    key = (
        percent_encode(credentials.consumer_secret)
        + "&"
        + percent_encode(credentials.token_secret)
    )
    mac = hmac.new(key.encode(), base_string(method, url, params).encode(), digest)
    signature = base64.b64encode(mac.digest()).decode()
    fields = oauth + [("oauth_signature", signature)]
    return "OAuth " + ",".join(f'{n}="{percent_encode(v)}"' for n, v in fields)


def presigned(
    method, url, credentials, timestamp, nonces, signature_method="HMAC-SHA256"
):
    """``authorization`` for many nonces on one request, fast: everything but the
    nonce is encoded once. Yields one header value per nonce (checked against
    ``authorization`` for the first)."""
    marker = "NONCEMARKER"
    template = base_string(
        method,
        url,
        [
            ("oauth_consumer_key", credentials.consumer_key),
            ("oauth_nonce", marker),
            ("oauth_signature_method", signature_method),
            ("oauth_timestamp", str(timestamp)),
            ("oauth_token", credentials.token),
            ("oauth_version", "1.0"),
        ]
        + urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True),
    )
    head, tail = template.split(marker)
    digest = {"HMAC-SHA256": hashlib.sha256, "HMAC-SHA1": hashlib.sha1}[
        signature_method
    ]
    key = (
        percent_encode(credentials.consumer_secret)
        + "&"
        + percent_encode(credentials.token_secret)
    ).encode()
    keyed = hmac.new(key, b"", digest)
    ck = percent_encode(credentials.consumer_key)
    tok = percent_encode(credentials.token)
    first = True
    for nonce in nonces:
        # The nonce sits in the base string encoded twice (parameter, then base string).
        enc = percent_encode(percent_encode(nonce))
        mac = keyed.copy()
        mac.update((head + enc + tail).encode())
        signature = percent_encode(base64.b64encode(mac.digest()).decode())
        header = (
            f'OAuth oauth_consumer_key="{ck}",oauth_nonce="{percent_encode(nonce)}",'
            f'oauth_signature_method="{signature_method}",'
            f'oauth_timestamp="{timestamp}",oauth_token="{tok}",oauth_version="1.0",'
            f'oauth_signature="{signature}"'
        )
        if first:
            slow = authorization(method, url, credentials, nonce, timestamp, signature_method)
            if slow != header:
                raise AssertionError(f"presigned {header!r} != {slow!r}")
            first = False
        yield header


def _self_test():
    url = (
        "http://magento.test:8080/magento-2.4.0/rest/default/V1/products"
        "?searchCriteria[pageSize]=10"
        "&searchCriteria[filter_groups][0][filters][0][field]=sku"
        "&searchCriteria[filter_groups][0][filters][0][value]=WS12%25"
        "&searchCriteria[filter_groups][0][filters][0][condition_type]=like"
    )
    creds = Credentials(
        "ck0123456789abcdef0123456789abcd",
        "cs0123456789abcdef0123456789abcd",
        "at0123456789abcdef0123456789abcd",
        "ts0123456789abcdef0123456789abcd",
    )
    header = authorization("GET", url, creds, "n0nce0001", 1700000000)
    want = 'oauth_signature="gyyfyVUBevRx0M0bZPNYI4poUTQY0nnKRjrR%2BmIHD9o%3D"'
    if want not in header:
        raise SystemExit(f"oauth1 self-test failed: {header}")
    fast = next(presigned("GET", url, creds, 1700000000, ["n0nce0001"]))
    if fast != header:
        raise SystemExit(f"oauth1 self-test failed: presigned {fast} != {header}")
    print("oauth1 self-test: ok (reference 2.5.5, HMAC-SHA256)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        _self_test()
    else:
        raise SystemExit(__doc__)
