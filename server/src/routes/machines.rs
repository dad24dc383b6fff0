//! The equipment register (设备档案): `GET /api/machines?q=` (autocomplete), `GET
//! /api/machines/{serial}` (the machine and its service history), `PUT /api/machines/{serial}`
//! (the register's entry). Desk roles read; dispatchers write; field roles get 403.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fieldbook_model::Role;
use fieldbook_model::desk::{Machine, MachineHistory};
use fieldbook_model::register::serial_key;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::register;
use crate::state::AppState;

/// Desk roles (dispatcher, service supervisor) only.
pub(crate) fn desk_only(user: &CurrentUser, what: &str) -> Result<(), AppError> {
    if user.profile.role.uses_desk() {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "{what} is for the office desk"
        )))
    }
}

/// Dispatchers only.
pub(crate) fn dispatcher_only(user: &CurrentUser, what: &str) -> Result<(), AppError> {
    if user.profile.role == Role::Dispatcher {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("only dispatchers may {what}")))
    }
}

#[derive(Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
}

pub async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(search): ApiQuery<Search>,
) -> Result<Json<Vec<Machine>>, AppError> {
    desk_only(&user, "the equipment register")?;
    if search.q.chars().count() > 60 {
        return Err(AppError::bad_request(
            "bad_query",
            "search for at most 60 characters",
        ));
    }
    let mut conn = state.db.acquire().await?;
    Ok(Json(register::search(&mut conn, &search.q).await?))
}

pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(serial): ApiPath<String>,
) -> Result<Json<MachineHistory>, AppError> {
    desk_only(&user, "the equipment register")?;
    let key = serial_key(&serial);
    let mut conn = state.db.acquire().await?;
    let orders = register::orders_on(&mut conn, &key).await?;
    let entry = register::entry(&mut conn, &key).await?;
    let mut machine = match (entry, orders.first()) {
        (Some(m), _) => m,
        // Only seen on orders: what the newest order says.
        (None, Some(newest)) => Machine {
            serial: newest.serial.trim().to_string(),
            equipment_model: newest.equipment_model.clone(),
            customer: newest.customer.clone(),
            delivered_on: None,
            warranty_end: None,
            hours: Vec::new(),
        },
        (None, None) => {
            return Err(AppError::refused(
                StatusCode::NOT_FOUND,
                "unknown_machine",
                format!(
                    "no machine or work order has the serial '{}'",
                    serial.trim()
                ),
            ));
        }
    };
    machine.hours = register::readings(&mut conn, &key).await?;
    Ok(Json(MachineHistory { machine, orders }))
}

/// Create or change the register's entry: 201 when new, 200 when changed. The path names the
/// machine; the body's serial is the same serial (any case, spaces around) or a 422. Readings
/// in the body are ignored: they come from orders and imports.
pub async fn put(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(serial): ApiPath<String>,
    ApiJson(machine): ApiJson<Machine>,
) -> Result<Response, AppError> {
    dispatcher_only(&user, "change the equipment register")?;
    if serial_key(&serial) != serial_key(&machine.serial) {
        return Err(AppError::Unprocessable {
            code: "serial_mismatch",
            message: format!(
                "the address names '{}' but the body '{}'",
                serial.trim(),
                machine.serial.trim()
            ),
        });
    }
    if let Some(error) = machine.check().into_iter().next() {
        return Err(AppError::Unprocessable {
            code: error.code(),
            message: format!("{}: {error}", error.field()),
        });
    }
    let key = serial_key(&machine.serial);
    let mut tx = state.db.begin().await?;
    let created = register::upsert(&mut tx, &machine).await?;
    let mut stored = register::entry(&mut tx, &key)
        .await?
        .ok_or_else(|| AppError::Internal(format!("machine {key} not found after writing")))?;
    stored.hours = register::readings(&mut tx, &key).await?;
    tx.commit().await?;
    tracing::info!(serial = %key, created, by = %user.profile.username, "register entry written");
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(stored)).into_response())
}
