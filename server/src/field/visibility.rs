//! Who may see a field record, and so its photos.

use fieldbook_model::Role;
use fieldbook_model::findings::{Actor, Finding, FindingSource};
use uuid::Uuid;

use super::rows::finding;
use crate::auth::CurrentUser;
use crate::db::Conn;
use crate::error::AppError;

pub(super) fn is_supervisor_of(user: &CurrentUser, team: &str) -> bool {
    user.profile.role == Role::Supervisor && user.profile.team.as_deref() == Some(team)
}

/// A finding the actor may see; one they may not is answered as unknown (no probing of ids).
pub(super) async fn visible_finding(
    conn: &mut Conn,
    id: Uuid,
    actor: &Actor,
) -> Result<Option<Finding>, AppError> {
    Ok(finding(conn, id).await?.filter(|f| f.visible_to(actor)))
}

/// Whether `user` may see a field photo: whoever may see the record it belongs to.
pub async fn may_read_photo(
    conn: &mut Conn,
    user: &CurrentUser,
    owner_kind: &str,
    owner_id: Uuid,
    team: &str,
) -> Result<bool, AppError> {
    if is_supervisor_of(user, team) {
        return Ok(true);
    }
    match owner_kind {
        "finding" | "finding_after" => Ok(visible_finding(conn, owner_id, &user.profile.actor())
            .await?
            .is_some()),
        "vacant_record" => {
            let cleaner: Option<String> =
                sqlx::query_scalar("SELECT cleaner_id FROM vacant_records WHERE id = $1")
                    .bind(owner_id.to_string())
                    .fetch_optional(&mut *conn)
                    .await?;
            if cleaner.is_some_and(|c| c == user.id) {
                return Ok(true);
            }
            // Its problems became findings (`FindingSource::VacantUnit`): whoever sees one of
            // them sees the photos it shows.
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM findings WHERE team = $1 AND finding_json LIKE $2",
            )
            .bind(team)
            .bind(format!("%\"vacant_unit\":\"{owner_id}\"%"))
            .fetch_all(&mut *conn)
            .await?;
            let actor = user.profile.actor();
            for id in ids {
                let Ok(id) = Uuid::parse_str(&id) else {
                    continue;
                };
                if visible_finding(conn, id, &actor)
                    .await?
                    .is_some_and(|f| f.source == FindingSource::VacantUnit(owner_id))
                {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        // A complaint's photos and its call-backs' signatures: whoever sees the complaint, or
        // its task (the person fixing it sees the before photos).
        "complaint" | "complaint_call_back" => {
            let Some(c) = crate::complaints::find(conn, owner_id).await? else {
                return Ok(false);
            };
            if c.visible_to(&crate::complaints::staff(user)) {
                return Ok(true);
            }
            Ok(visible_finding(conn, c.finding_id, &user.profile.actor())
                .await?
                .is_some())
        }
        // A closed order's call-back signature: the desk, the station's head, the engineer.
        "order_call_back" => {
            let Some((wo, assignee_id)) = crate::work_orders::find(conn, owner_id).await? else {
                return Ok(false);
            };
            Ok(match user.profile.role {
                Role::Dispatcher | Role::Supervisor => true,
                Role::ServiceSupervisor => wo.station.is_some() && wo.station == user.profile.team,
                _ => assignee_id == user.id,
            })
        }
        _ => Ok(false),
    }
}
