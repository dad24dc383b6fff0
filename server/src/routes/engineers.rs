//! `GET /api/engineers`: who the desk can dispatch and how loaded they are (a station head: their
//! station's engineers).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use fieldbook_model::desk::{EngineerLoad, Person};
use fieldbook_model::{Role, StatusNode};

use crate::auth::CurrentUser;
use crate::desk;
use crate::error::AppError;
use crate::state::AppState;
use crate::users::UserRecord;

#[derive(sqlx::FromRow)]
struct LoadRow {
    assignee_id: String,
    status: String,
    planned_at: String,
}

pub async fn list_engineers(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<EngineerLoad>>, AppError> {
    let scope = desk::scope(&user)?;
    let mut conn = state.db.acquire().await?;
    let engineers: Vec<UserRecord> = sqlx::query_as(
        "SELECT id, username, display_name, role, team, password_hash, \
         CASE WHEN disabled THEN 1 ELSE 0 END AS disabled FROM users \
         WHERE role = $1 AND NOT disabled AND ($2 IS NULL OR team = $2) ORDER BY username",
    )
    .bind(Role::Engineer.as_str())
    .bind(scope.station())
    .fetch_all(&mut *conn)
    .await?;
    // The open orders (not closed), with what counting needs.
    let rows: Vec<LoadRow> = sqlx::query_as(
        "SELECT assignee_id, status, planned_at FROM work_orders WHERE closure_json IS NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let today = desk::china_date(Utc::now());
    let mut load: HashMap<&str, (u32, u32)> = HashMap::new();
    for row in &rows {
        let done_on_site = matches!(
            StatusNode::parse(&row.status),
            Some(StatusNode::RepairedLeft | StatusNode::ResolvedByPhone)
        );
        let planned_today =
            crate::db::time_from_text(&row.planned_at).is_ok_and(|t| desk::china_date(t) == today);
        let entry = load.entry(row.assignee_id.as_str()).or_default();
        if !done_on_site {
            entry.0 += 1;
        }
        if planned_today {
            entry.1 += 1;
        }
    }
    Ok(Json(
        engineers
            .into_iter()
            .map(|e| {
                let (open_orders, today) = load.get(e.id.as_str()).copied().unwrap_or_default();
                EngineerLoad {
                    person: Person {
                        username: e.username,
                        name: e.display_name,
                    },
                    station: e.team,
                    open_orders,
                    today,
                }
            })
            .collect(),
    ))
}
