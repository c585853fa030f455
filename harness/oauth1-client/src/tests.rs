//! The signer against published vectors: RFC 2202 and RFC 4231 (HMAC), RFC 4648
//! (base64), RFC 5849 §3.4.1 (base string), OAuth Core 1.0 Appendix A.5, the X
//! developer documentation's example, and the Magento reference's worked example.

use proptest::prelude::*;

use super::*;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn hmac_sha1_rfc_2202() {
    let h = |key: &[u8], data: &[u8]| hex(&hmac::hmac::<sha1::Sha1>(key, data));
    assert_eq!(
        h(&[0x0b; 20], b"Hi There"),
        "b617318655057264e28bc0b6fb378c8ef146be00"
    );
    assert_eq!(
        h(b"Jefe", b"what do ya want for nothing?"),
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
    );
    assert_eq!(
        h(
            &[0xaa; 80],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        ),
        "aa4ae5e15272d00e95705637ce8a3b55ed402112"
    );
}

#[test]
fn hmac_sha256_rfc_4231() {
    let h = |key: &[u8], data: &[u8]| hex(&hmac::hmac::<sha2::Sha256>(key, data));
    assert_eq!(
        h(&[0x0b; 20], b"Hi There"),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    );
    assert_eq!(
        h(b"Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        h(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        ),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}

#[test]
fn base64_rfc_4648() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64::encode(plain.as_bytes()), encoded);
    }
    assert_eq!(base64::encode(&[0xfb, 0xff, 0xbf]), "+/+/");
}

#[test]
fn percent_encoding_and_form_decoding() {
    assert_eq!(percent_encode("Az09-._~"), "Az09-._~");
    assert_eq!(
        percent_encode(" +/=&%[]é"),
        "%20%2B%2F%3D%26%25%5B%5D%C3%A9"
    );
    assert_eq!(form_decode("a+b%2B%41%4a%zz%+1%2"), "a b+AJ%zz% 1%2");
}

#[test]
fn base_uri_rfc_5849_section_3_4_1_2() {
    assert_eq!(
        split_url("HTTP://EXAMPLE.COM:80/r%20v/X?id=123").0,
        "http://example.com/r%20v/X"
    );
    assert_eq!(
        split_url("https://www.example.net:8080/?q=1"),
        ("https://www.example.net:8080/".to_owned(), "q=1")
    );
    assert_eq!(
        split_url("https://user@Shop.Example:443#frag").0,
        "https://shop.example/"
    );
    assert_eq!(
        split_url("http://h:443/x").0,
        "http://h:443/x",
        "443 is not http's default"
    );
}

/// RFC 5849 §3.4.1.1: repeated `a3`, an encoded `=` in a value, an empty value, `@` in a
/// name, `+` in the form body. (The RFC's example carries no `oauth_version`, and its
/// `oauth_signature` is a placeholder, so only the base string is pinned.)
#[test]
fn rfc_5849_base_string() {
    let params: Vec<(String, String)> = [
        ("oauth_consumer_key", "9djdj82h48djs9d2"),
        ("oauth_token", "kkk9d7dh3k39sjv7"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "7d8f3e4a"),
        ("c2", ""),
        ("a3", "2 q"),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(
        base_string(
            "post",
            "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
            &params
        ),
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
    );
}

fn photos() -> Signer {
    Signer {
        consumer_key: "dpf43f3p2l4k3l03".into(),
        consumer_secret: "kd94hf93k423kf44".into(),
        token: "nnch734d00sl2jdk".into(),
        token_secret: "pfkkdhi9sl3r4s00".into(),
        method: SignatureMethod::HmacSha1,
    }
}

const PHOTOS_URL: &str = "http://photos.example.net/photos?file=vacation.jpg&size=original";

#[test]
fn oauth_core_appendix_a5() {
    let signer = photos();
    let params = signer.protocol_params("kllo9940pd9333jh", 1_191_242_096);
    let base = base_string("GET", PHOTOS_URL, &params);
    assert_eq!(
        base,
        "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
    );
    assert_eq!(signer.sign(&base), "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
    assert_eq!(
        signer.authorization("GET", PHOTOS_URL, None, "kllo9940pd9333jh", 1_191_242_096),
        "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\",oauth_token=\"nnch734d00sl2jdk\",oauth_signature_method=\"HMAC-SHA1\",oauth_version=\"1.0\",oauth_timestamp=\"1191242096\",oauth_nonce=\"kllo9940pd9333jh\",oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\""
    );
}

#[test]
fn one_bit_changes_the_signature() {
    let signer = photos();
    let sign = |signer: &Signer, url: &str, nonce: &str| {
        signer.authorization("GET", url, None, nonce, 1_191_242_096)
    };
    let good = sign(&signer, PHOTOS_URL, "kllo9940pd9333jh");
    // 'h' (0x68) → 'i' (0x69) in the nonce; 'l' → 'm' in the query; 'k' → 'j' in a
    // secret.
    assert_ne!(sign(&signer, PHOTOS_URL, "kllo9940pd9333ji"), good);
    assert_ne!(
        sign(
            &signer,
            &PHOTOS_URL.replace("original", "originam"),
            "kllo9940pd9333jh"
        ),
        good
    );
    let mut other = photos();
    other.consumer_secret = "jd94hf93k423kf44".into();
    assert_ne!(sign(&other, PHOTOS_URL, "kllo9940pd9333jh"), good);
}

/// X (Twitter) developer documentation, "Creating a signature".
#[test]
fn x_developer_docs_example() {
    let signer = Signer {
        consumer_key: "xvz1evFS4wEEPTGEFPHBog".into(),
        consumer_secret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw".into(),
        token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb".into(),
        token_secret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE".into(),
        method: SignatureMethod::HmacSha1,
    };
    let form = [(
        "status".to_owned(),
        "Hello Ladies + Gentlemen, a signed OAuth request!".to_owned(),
    )];
    let header = signer.authorization(
        "POST",
        "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
        Some(&form),
        "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        1_318_622_958,
    );
    assert!(
        header.ends_with("oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\""),
        "{header}"
    );
}

/// Magento reference §2.5.5, with the brackets raw and percent-encoded (as oauthlib
/// sends them).
#[test]
fn magento_reference_worked_example() {
    let signer = Signer {
        consumer_key: "ck0123456789abcdef0123456789abcd".into(),
        consumer_secret: "cs0123456789abcdef0123456789abcd".into(),
        token: "at0123456789abcdef0123456789abcd".into(),
        token_secret: "ts0123456789abcdef0123456789abcd".into(),
        method: SignatureMethod::HmacSha256,
    };
    let base = "http://magento.test:8080/magento-2.4.0/rest/default/V1/products";
    let raw = "searchCriteria[pageSize]=10&searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=WS12%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like";
    let encoded = raw.replace('[', "%5B").replace(']', "%5D");
    for query in [raw.to_owned(), encoded] {
        let header = signer.authorization(
            "GET",
            &format!("{base}?{query}"),
            None,
            "n0nce0001",
            1_700_000_000,
        );
        assert!(
            header
                .ends_with("oauth_signature=\"gyyfyVUBevRx0M0bZPNYI4poUTQY0nnKRjrR%2BmIHD9o%3D\""),
            "{header}"
        );
    }
}

#[test]
fn the_method_is_upper_cased_and_repeated_names_are_all_signed() {
    let signer = photos();
    let params = signer.protocol_params("n", 1);
    assert!(base_string("get", "http://h/x", &params).starts_with("GET&http%3A%2F%2Fh%2Fx&"));
    let base = base_string("GET", "http://h/x?k=b&k=a&k", &[]);
    assert_eq!(base, "GET&http%3A%2F%2Fh%2Fx&k%3D%26k%3Da%26k%3Db");
}

proptest! {
    #[test]
    fn any_input_signs_without_panicking(
        method in ".{0,8}",
        url in ".{0,64}",
        nonce in ".{0,40}",
        timestamp in any::<i64>(),
        form in proptest::collection::vec((".{0,8}", ".{0,8}"), 0..4),
    ) {
        let mut signer = photos();
        signer.method = SignatureMethod::HmacSha256;
        let header = signer.authorization(&method, &url, Some(&form), &nonce, timestamp);
        prop_assert!(header.starts_with("OAuth oauth_consumer_key="));
    }
}
