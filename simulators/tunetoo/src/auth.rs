//! Authentication (seed 004, "Authentification"): `X-TUNETOO-API-KEY` names the shop,
//! and `X-TUNETOO-SIGNATURE` is `base64(HMAC-SHA256(secret, message))`, where the message
//! is the request body's bytes exactly as received (the docs sign PHP's
//! `json_encode($data)`, which escapes `/` and non-ASCII: re-serialising would change the
//! bytes) and, for GET and DELETE, the two bytes `[]` (`json_encode([])`). The
//! comparison is constant-time. Outgoing webhooks are signed the same way.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The header naming the shop.
pub const KEY_HEADER: &str = "X-TUNETOO-API-KEY";
/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-TUNETOO-SIGNATURE";
/// What a GET or DELETE signs: PHP's `json_encode([])`.
pub const EMPTY_MESSAGE: &[u8] = b"[]";

/// `base64(HMAC-SHA256(secret, message))`.
pub fn sign(secret: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(message);
    BASE64.encode(mac.finalize().into_bytes())
}

/// Whether `signature` is `message`'s under `secret`, compared in constant time (over
/// the decoded MAC: a signature that is not base64 of 32 bytes is simply wrong).
pub fn verify(secret: &str, message: &[u8], signature: &str) -> bool {
    let Ok(sent) = BASE64.decode(signature.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(message);
    let want = mac.finalize().into_bytes();
    sent.len() == want.len() && bool::from(sent.as_slice().ct_eq(want.as_slice()))
}

/// The message a request signs: its body for POST, `[]` for GET and DELETE.
pub fn message<'a>(method: &axum::http::Method, body: &'a [u8]) -> &'a [u8] {
    if method == axum::http::Method::POST {
        body
    } else {
        EMPTY_MESSAGE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The docs' example secret.
    const SECRET: &str = "bc69152203689725a73fc45example";

    #[test]
    fn the_references_test_vectors() {
        // shared/reference/tunetoo_printxpand.md, "Signature test vectors" (computed
        // with PHP 8.2's json_encode and hash_hmac).
        assert_eq!(
            sign(SECRET, b"[]"),
            "3SaHdJ391dddFc0t2biTkgtyLd602rn8UO5NN0AnfWM="
        );
        assert_eq!(
            sign(SECRET, b"{}"),
            "zjdFX7UV31nFehmtPZCKXWYepusijaJt5QN3hvshj2E="
        );
        assert_eq!(
            sign(SECRET, b""),
            "hXUY2XOwuaz6uLfnUTyeDTJd3gTK7UP0cIAd6LdQDrs="
        );
        let docs = br#"{"test":{"id":1,"data":{"name":"example1","value":"example value 1"},"0":{"name":"example2","value":"example value 2"}}}"#;
        assert_eq!(
            sign(SECRET, docs),
            "k29yUHatFL/1fapq/Ex6n78EgpBk4WyRQ1DOSOCKJH4="
        );
    }

    #[test]
    fn verify_takes_only_the_exact_signature() {
        let sig = sign(SECRET, b"[]");
        assert!(verify(SECRET, b"[]", &sig));
        assert!(!verify(SECRET, b"{}", &sig), "GET signs [], not {{}}");
        assert!(!verify(SECRET, b"", &sig));
        assert!(!verify("other", b"[]", &sig));
        assert!(!verify(SECRET, b"[]", "not base64!"));
        assert!(!verify(SECRET, b"[]", &sig[..20]));
    }
}
