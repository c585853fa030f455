//! HMAC (RFC 2104) over a 64-byte-block digest (SHA-1, SHA-256).

use sha2::Digest;

/// The block size of SHA-1 and SHA-256, in bytes.
const BLOCK: usize = 64;

/// `H((K ^ opad) || H((K ^ ipad) || message))`, with `K` the key zero-padded to a
/// block, or its digest when it is longer than one.
pub(crate) fn hmac<D: Digest>(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        let digest = D::digest(key);
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = D::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = D::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner);
    outer.finalize().to_vec()
}
