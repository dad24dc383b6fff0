//! Password hashing with argon2id, off the async threads.
//!
//! argon2 is slow on purpose (tens of milliseconds, ~19 MiB); run on the async workers it would
//! stall every other request, so it runs in `spawn_blocking`.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

/// People type passwords on phones in the field; 8 is the floor, not the advice.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// A hash of a password nobody knows, with the same parameters as real ones: verifying against
/// it for an unknown username costs the same time as for a real one, so timing does not tell
/// which usernames exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRmb3JkdW1teQ$4Rc2bgsxsBDQ5bfVxPo5xnlI2b8qRd1sx4vUB+xrjp8";

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("could not hash the password: {0}")]
    Hash(String),
    #[error("the hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Hash a new password (refusing one that is too short).
pub async fn hash(password: String) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    tokio::task::spawn_blocking(move || {
        let mut salt_bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut salt_bytes);
        let salt =
            SaltString::encode_b64(&salt_bytes).map_err(|e| PasswordError::Hash(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    })
    .await?
}

/// Check `password` against a stored hash, or against the dummy hash when `stored` is None.
///
/// A stored hash that does not parse counts as a wrong password, never as a way in.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, PasswordError> {
    let found = stored.is_some();
    let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
    let matches = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await?;
    Ok(found && matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_parses() {
        PasswordHash::new(DUMMY_HASH).unwrap();
    }

    #[tokio::test]
    async fn hashes_verify_and_short_passwords_are_refused() {
        let h = hash("demo1234".into()).await.unwrap();
        assert!(verify("demo1234".into(), Some(h.clone())).await.unwrap());
        assert!(!verify("demo12345".into(), Some(h)).await.unwrap());
        assert!(!verify("anything".into(), None).await.unwrap());
        assert!(matches!(
            hash("short".into()).await,
            Err(PasswordError::TooShort)
        ));
    }
}
