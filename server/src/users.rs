//! User accounts: created by operators (`add-user`) and by the demo loader, never by sign-in.

use crate::db::Conn;
use chrono::Utc;
use fieldbook_model::{Role, UserProfile};
use uuid::Uuid;

use crate::db::{self, Db};
use crate::password::{self, PasswordError};

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("a user named '{0}' already exists")]
    Duplicate(String),
    #[error("the username must be 1 to 64 letters, digits, '.', '_' or '-'")]
    BadUsername,
    #[error("the display name must not be empty")]
    EmptyDisplayName,
    #[error("no user named '{0}'")]
    NotFound(String),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// What a new account needs.
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The team (班组) for field staff and their supervisor.
    pub team: Option<String>,
}

/// A user as sign-in and authorisation see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// Stored as its name; the table's CHECK keeps it one of the roles.
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub team: Option<String>,
    pub password_hash: String,
    #[sqlx(try_from = "crate::db::IntFlag")]
    pub disabled: bool,
}

impl UserRecord {
    /// The profile the app keeps.
    pub fn profile(&self) -> UserProfile {
        UserProfile {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            team: self.team.clone(),
        }
    }
}

/// Usernames end up in ops, logs and photo metadata: keep them plain.
fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

pub async fn find_by_username(
    conn: &mut Conn,
    username: &str,
) -> Result<Option<UserRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, username, display_name, role, team, password_hash, \
         CASE WHEN disabled THEN 1 ELSE 0 END AS disabled FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(conn)
    .await
}

/// Create an account with a password to hash. Refuses a short password and a taken username.
pub async fn create(db: &Db, user: NewUser, password: String) -> Result<UserRecord, UserError> {
    check(&user)?;
    let mut conn = db.acquire().await?;
    if find_by_username(&mut conn, &user.username).await?.is_some() {
        return Err(UserError::Duplicate(user.username));
    }
    let hash = password::hash(password).await?;
    insert_with_hash(&mut conn, &user, &hash).await
}

fn check(user: &NewUser) -> Result<(), UserError> {
    if !valid_username(&user.username) {
        return Err(UserError::BadUsername);
    }
    if user.display_name.trim().is_empty() {
        return Err(UserError::EmptyDisplayName);
    }
    Ok(())
}

/// Insert an account whose password is already hashed (the demo loader hashes once for all).
pub async fn insert_with_hash(
    conn: &mut Conn,
    user: &NewUser,
    password_hash: &str,
) -> Result<UserRecord, UserError> {
    check(user)?;
    let id = Uuid::new_v4().to_string();
    let inserted = sqlx::query(
        "INSERT INTO users (id, username, display_name, role, team, password_hash, disabled, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7)",
    )
    .bind(&id)
    .bind(&user.username)
    .bind(&user.display_name)
    .bind(user.role.as_str())
    .bind(&user.team)
    .bind(password_hash)
    .bind(db::millis(Utc::now()))
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(_) => {}
        // Two operators racing for one name: the UNIQUE constraint decides.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(UserError::Duplicate(user.username.clone()));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(UserRecord {
        id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        team: user.team.clone(),
        password_hash: password_hash.to_string(),
        disabled: false,
    })
}

/// Disable (or enable again) an account. Disabling ends every session of the user in the same
/// transaction: each device is signed out on its next request. Returns the sessions ended.
pub async fn set_disabled(db: &Db, username: &str, disabled: bool) -> Result<u64, UserError> {
    let mut tx = db.begin().await?;
    let user = find_by_username(&mut tx, username)
        .await?
        .ok_or_else(|| UserError::NotFound(username.to_string()))?;
    sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(disabled)
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    let ended = if disabled {
        end_sessions(&mut tx, &user.id).await?
    } else {
        0
    };
    tx.commit().await?;
    Ok(ended)
}

/// Set a new password; every session of the user ends (whoever knew the old one is out).
pub async fn reset_password(db: &Db, username: &str, password: String) -> Result<u64, UserError> {
    let hash = password::hash(password).await?;
    let mut tx = db.begin().await?;
    let user = find_by_username(&mut tx, username)
        .await?
        .ok_or_else(|| UserError::NotFound(username.to_string()))?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    let ended = end_sessions(&mut tx, &user.id).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Change a user's role. Sessions stay: the role is read from the database on every request,
/// so it applies at once.
pub async fn set_role(db: &Db, username: &str, role: Role) -> Result<(), UserError> {
    let done = sqlx::query("UPDATE users SET role = $1 WHERE username = $2")
        .bind(role.as_str())
        .bind(username)
        .execute(db)
        .await?;
    if done.rows_affected() == 0 {
        return Err(UserError::NotFound(username.to_string()));
    }
    Ok(())
}

/// Move a person to another team (or none). Their old and new teams' field data is marked
/// changed, so every phone of both teams pulls the areas, units and people again; the person sees
/// only the new team's from their next sync (their role and team are read on every request).
pub async fn set_team(db: &Db, username: &str, team: Option<&str>) -> Result<(), UserError> {
    let mut tx = db.begin().await?;
    let seq = crate::db::next_seq(&mut tx).await?;
    let old: Option<Option<String>> =
        sqlx::query_scalar("SELECT team FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(old) = old else {
        return Err(UserError::NotFound(username.to_string()));
    };
    sqlx::query("UPDATE users SET team = $1 WHERE username = $2")
        .bind(team)
        .bind(username)
        .execute(&mut *tx)
        .await?;
    for t in [old.as_deref(), team].into_iter().flatten() {
        sqlx::query("UPDATE areas SET seq = $1 WHERE team = $2")
            .bind(seq)
            .bind(t)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn end_sessions(conn: &mut Conn, user_id: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_plain() {
        assert!(valid_username("engineer1"));
        assert!(valid_username("zhang.wei-2"));
        assert!(!valid_username(""));
        assert!(!valid_username("a b"));
        assert!(!valid_username("../x/"));
        assert!(!valid_username(&"x".repeat(65)));
    }
}
