//! `GET/PUT /api/settings`: the desk's settings, the ticket rule and the photo naming
//! (dispatchers). A new naming applies to orders taken from then on: a name once given never
//! changes.

use axum::Json;
use axum::extract::State;
use fieldbook_model::desk::{DeskSettings, PhotoNaming};
use fieldbook_model::dispatch::TicketRule;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db;
use crate::desk::{self, unprocessable};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::state::AppState;

pub async fn get_settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<DeskSettings>, AppError> {
    desk::dispatcher(&user)?;
    let mut conn = state.db.acquire().await?;
    Ok(Json(desk::settings(&mut conn).await?))
}

/// `DeskSettings` with its rule still as typed, so a bad one is answered 422 `bad_ticket_rule`
/// with the rule's own message rather than as unreadable JSON.
#[derive(Deserialize)]
pub struct SettingsBody {
    ticket_rule: String,
    photo_naming: PhotoNaming,
}

pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<SettingsBody>,
) -> Result<Json<DeskSettings>, AppError> {
    desk::dispatcher(&user)?;
    let ticket_rule = TicketRule::new(body.ticket_rule.trim())
        .map_err(|e| unprocessable("bad_ticket_rule", format!("ticket_rule: {e}")))?;
    let settings = DeskSettings {
        ticket_rule,
        photo_naming: body.photo_naming,
        call_back_days: fieldbook_model::desk::default_call_back_days(),
    };
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    desk::save_settings(&mut tx, &settings, seq).await?;
    tx.commit().await?;
    tracing::info!(rule = %settings.ticket_rule.pattern(), naming = ?settings.photo_naming, by = %user.profile.username, "desk settings changed");
    Ok(Json(settings))
}
