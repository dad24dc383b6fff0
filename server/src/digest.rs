//! `Content-Digest` (RFC 9530): the SHA-256 a photo upload carries.
//!
//! The header is a Structured Fields dictionary, `sha-256=:<base64>:` possibly beside other
//! algorithms (`sha-512=:...:`); the server needs the `sha-256` member and ignores the others.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    #[error("send Content-Digest: sha-256=:<base64 of the SHA-256>: (RFC 9530)")]
    Missing,
    #[error("Content-Digest has no sha-256 member; send sha-256=:<base64>:")]
    NoSha256,
    #[error("the sha-256 in Content-Digest is not a base64 byte sequence between colons")]
    NotBase64,
    #[error("the sha-256 in Content-Digest is {0} bytes long, not 32")]
    WrongLength(usize),
}

/// The SHA-256 in a `Content-Digest` header value.
pub fn sha256_of(header: Option<&str>) -> Result<[u8; 32], DigestError> {
    let header = header.ok_or(DigestError::Missing)?;
    let value = header
        .split(',')
        .filter_map(|member| member.split_once('='))
        .find(|(key, _)| key.trim() == "sha-256")
        .map(|(_, value)| value)
        .ok_or(DigestError::NoSha256)?;
    // Parameters (`;name=value`) may follow a member's value; none are defined for digests.
    let value = value.split(';').next().unwrap_or_default().trim();
    let inner = value
        .strip_prefix(':')
        .and_then(|v| v.strip_suffix(':'))
        .ok_or(DigestError::NotBase64)?;
    let bytes = STANDARD
        .decode(inner)
        .or_else(|_| STANDARD_NO_PAD.decode(inner))
        .map_err(|_| DigestError::NotBase64)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| DigestError::WrongLength(bytes.len()))
}

/// Lowercase hex, as `PhotoMeta::sha256` holds it.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn reads_the_sha256_member() {
        let digest: [u8; 32] = Sha256::digest(b"hello").into();
        let b64 = STANDARD.encode(digest);
        for header in [
            format!("sha-256=:{b64}:"),
            format!("sha-512=:AAAA:, sha-256=:{b64}:"),
            format!(" sha-256 = :{b64}: ;x=1"),
        ] {
            assert_eq!(sha256_of(Some(&header)), Ok(digest), "{header}");
        }
        assert_eq!(
            hex(&digest),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
    }

    #[test]
    fn refuses_what_is_not_a_sha256_digest() {
        let digest: [u8; 32] = Sha256::digest(b"hello").into();
        let hex_digest = hex(&digest);
        assert_eq!(sha256_of(None), Err(DigestError::Missing));
        assert_eq!(sha256_of(Some("")), Err(DigestError::NoSha256));
        assert_eq!(
            sha256_of(Some("sha-512=:AAAA:")),
            Err(DigestError::NoSha256)
        );
        assert_eq!(
            sha256_of(Some(&format!("sha-256={hex_digest}"))),
            Err(DigestError::NotBase64)
        );
        assert_eq!(
            sha256_of(Some("sha-256=:!!!!:")),
            Err(DigestError::NotBase64)
        );
        assert_eq!(
            sha256_of(Some("sha-256=:AAAA:")),
            Err(DigestError::WrongLength(3))
        );
    }
}
