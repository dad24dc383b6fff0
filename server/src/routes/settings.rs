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
    /// Days after a closed order by which the desk calls back; unchanged when absent.
    #[serde(default)]
    call_back_days: Option<u32>,
}

/// The call-back days the desk may set.
pub const CALL_BACK_DAYS: std::ops::RangeInclusive<u32> = 1..=60;

pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<SettingsBody>,
) -> Result<Json<DeskSettings>, AppError> {
    desk::dispatcher(&user)?;
    let ticket_rule = TicketRule::new(body.ticket_rule.trim())
        .map_err(|e| unprocessable("bad_ticket_rule", format!("ticket_rule: {e}")))?;
    if let Some(days) = body.call_back_days
        && !CALL_BACK_DAYS.contains(&days)
    {
        return Err(unprocessable(
            "invalid_value",
            format!(
                "call_back_days: between {} and {} days",
                CALL_BACK_DAYS.start(),
                CALL_BACK_DAYS.end()
            ),
        ));
    }
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    let call_back_days = match body.call_back_days {
        Some(days) => days,
        None => desk::settings(&mut tx).await?.call_back_days,
    };
    let settings = DeskSettings {
        ticket_rule,
        photo_naming: body.photo_naming,
        call_back_days,
    };
    desk::save_settings(&mut tx, &settings, seq).await?;
    tx.commit().await?;
    tracing::info!(rule = %settings.ticket_rule.pattern(), naming = ?settings.photo_naming, by = %user.profile.username, "desk settings changed");
    Ok(Json(settings))
}
