//! The office's claim pages (issue 19): the claims queue and its 14-day clocks, one claim built
//! from its order (edited, submitted, answered, paid), its ZIP of files, the month's figures;
//! commercial claims and their sign-off chain; the people's grades and titles; old parts (the
//! station head's receipt, claims support's moves, the monthly ledger); and the desk's "a claim
//! is expected" on an order.
//!
//! Who: `claims` does everything; `manager` reads everything and changes nothing; `dispatcher`
//! reads; a station head (`service_supervisor`) reads their station's claims and parts, receives
//! parts and requests commercial claims; a commercial claim's step is signed by whoever holds
//! the step's title. Every change is one transaction that takes the next sequence value first; a
//! refusal returns before the commit and changes nothing.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use fieldbook_model::claims::{
    ChainStep, Claim, ClaimFigures, ClaimKind, ClaimMissing, ClaimState, CommercialClaim,
    CommercialState, CostLine, CreditNote, Grade, LabourLine, MaterialLine, OldPart, PartSize,
    PartState, SignOffChain, claim_due, claimable_service, figures, store_due,
};
use fieldbook_model::complaints::china_midnight;
use fieldbook_model::photo::{OLD_PART_SLOT, sanitize_part};
use fieldbook_model::report::MAX_LABOUR_TENTHS;
use fieldbook_model::validate::{limits, short_ok, text_ok};
use fieldbook_model::{OpError, Role, WorkOrder, WorkOrderDetail};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::claims::{self as store, name_of};
use crate::db::{self, Conn};
use crate::desk::{self, Scope, order_id};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::photo_zip::{self, PhotoZip};
use crate::sheet::{self, Cell, china_time};
use crate::state::AppState;
use crate::{photos, work_orders};

// ---------------------------------------------------------------------------------------------
// Who, and how refusals are told.

/// Who reads the claim pages: claims support, the manager and the desk every station's, a
/// station head their station's; nobody in the field.
fn reader(user: &CurrentUser) -> Result<Scope, AppError> {
    match user.profile.role {
        Role::Claims | Role::Manager | Role::Dispatcher => Ok(Scope::All),
        Role::ServiceSupervisor => Ok(Scope::Station(
            user.profile.team.clone().unwrap_or_default(),
        )),
        _ => Err(AppError::Forbidden(
            "the claim pages are the office's".into(),
        )),
    }
}

/// Claims support only.
fn claims_support(user: &CurrentUser) -> Result<(), AppError> {
    match user.profile.role {
        Role::Claims => Ok(()),
        Role::Manager => Err(AppError::Forbidden(
            "the manager reads the claims; claims support changes them".into(),
        )),
        _ => Err(AppError::Forbidden(
            "only claims support (索赔专员) may do this".into(),
        )),
    }
}

fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::refused(StatusCode::CONFLICT, code, message)
}

fn claim_paid() -> AppError {
    conflict(
        "claim_paid",
        "the claim is paid (the credit note is recorded); it never changes",
    )
}

fn wrong_state(message: impl Into<String>) -> AppError {
    conflict("wrong_state", message)
}

/// 422 `code` naming the form field (`field` in the body too).
fn field_error(code: &'static str, field: &str, message: &str) -> AppError {
    AppError::Detailed {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code,
        message: format!("{field}: {message}"),
        extra: json!({ "field": field }),
    }
}

fn invalid(field: &str, message: &str) -> AppError {
    field_error("invalid_value", field, message)
}

fn parse_uuid(raw: &str, what: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw)
        .map_err(|_| AppError::bad_request("bad_id", format!("'{raw}' is not a {what} id")))
}

fn not_your_station() -> AppError {
    AppError::Forbidden("this is not your station's".into())
}

// ---------------------------------------------------------------------------------------------
// One claim as the pages show it.

/// A claim with its order and what stops it being submitted.
#[derive(Debug, Serialize)]
pub struct ClaimView {
    pub claim: Claim,
    pub order: WorkOrder,
    pub missing: Vec<ClaimMissing>,
}

/// What stops `claim` being marked submitted, with the grades kept on the people's accounts and
/// the order's old-part photos (one per replaced part, in the order the parts are listed).
async fn missing_of(
    conn: &mut Conn,
    claim: &Claim,
    order: &WorkOrder,
) -> Result<Vec<ClaimMissing>, AppError> {
    let names: Vec<String> = std::iter::once(order.assignee.clone())
        .chain(claim.labour.iter().map(|l| l.engineer.clone()))
        .collect();
    let grades = store::grades(conn, names).await?;
    let replaced: Vec<&str> = claim
        .materials
        .iter()
        .filter(|m| m.return_tag.is_some())
        .map(|m| m.part_no.as_str())
        .collect();
    let photos = order.photos_kept(OLD_PART_SLOT);
    Ok(claim.missing(
        order,
        |name| grades.iter().find(|(n, _)| n == name).and_then(|(_, g)| *g),
        |part_no| {
            replaced
                .iter()
                .position(|p| *p == part_no)
                .is_some_and(|i| i < photos)
        },
    ))
}

async fn view(conn: &mut Conn, claim: Claim, order: WorkOrder) -> Result<ClaimView, AppError> {
    let missing = missing_of(conn, &claim, &order).await?;
    Ok(ClaimView {
        claim,
        order,
        missing,
    })
}

async fn order_of(conn: &mut Conn, id: Uuid) -> Result<WorkOrder, AppError> {
    work_orders::find(conn, id)
        .await?
        .map(|(wo, _)| wo)
        .ok_or_else(|| AppError::NotFound(format!("no work order {id}")))
}

/// A claim and its order, as `scope` may read them.
async fn load(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
) -> Result<(store::StoredClaim, WorkOrder), AppError> {
    let id = parse_uuid(id, "claim")?;
    let stored = store::find(conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no claim {id}")))?;
    let order = order_of(conn, stored.claim.work_order_id).await?;
    // Not theirs answers as an unknown id does: ids cannot be probed.
    if !scope.covers(&order) {
        return Err(AppError::NotFound(format!("no claim {id}")));
    }
    Ok((stored, order))
}

/// A claim loaded for a change by claims support, in a transaction that took the next sequence
/// value first; a paid claim is refused.
async fn begin_change(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(db::Tx, i64, Claim, WorkOrder), AppError> {
    claims_support(user)?;
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    let (stored, order) = load(&mut tx, &Scope::All, id).await?;
    if stored.claim.state == ClaimState::Paid {
        return Err(claim_paid());
    }
    Ok((tx, seq, stored.claim, order))
}

async fn finish(
    mut tx: db::Tx,
    seq: i64,
    mut claim: Claim,
    order: WorkOrder,
) -> Result<Json<ClaimView>, AppError> {
    store::save(&mut tx, &mut claim, seq).await?;
    let answer = view(&mut tx, claim, order).await?;
    tx.commit().await?;
    Ok(Json(answer))
}

// ---------------------------------------------------------------------------------------------
// The queue and the list.

#[derive(Debug, Serialize)]
pub struct QueueClaim {
    pub id: Uuid,
    pub state: ClaimState,
    pub claim_number: String,
}

/// One order waiting for its claim (or for its claim to be paid).
#[derive(Debug, Serialize)]
pub struct QueueRow {
    pub work_order_id: Uuid,
    pub ticket: String,
    pub equipment_model: String,
    pub serial: String,
    pub service_type: fieldbook_model::ServiceType,
    pub station: Option<String>,
    pub assignee: String,
    pub assignee_name: String,
    /// `open` (being worked or reviewed), `submitted` (the report waits for review), `closed`.
    pub order_state: &'static str,
    pub due: DateTime<Utc>,
    /// Not submitted by `due` (the server's now).
    pub late: bool,
    pub claim: Option<QueueClaim>,
}

fn order_state(wo: &WorkOrder) -> &'static str {
    if wo.is_closed() {
        "closed"
    } else if wo.report.submitted_at.is_some() {
        "submitted"
    } else {
        "open"
    }
}

/// `GET /api/claims/queue`: every order expecting a claim whose engineer has left the site,
/// without a claim or with one not paid yet, soonest due first.
pub async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<QueueRow>>, AppError> {
    let scope = reader(&user)?;
    let mut conn = state.db.acquire().await?;
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM work_orders WHERE claim_expected AND ($1 IS NULL OR station = $1)",
    )
    .bind(scope.station())
    .fetch_all(&mut *conn)
    .await?;
    let now = Utc::now();
    let mut rows = Vec::new();
    for id in ids {
        let wo = order_of(&mut conn, parse_uuid(&id, "work order")?).await?;
        let Some(due) = claim_due(&wo) else { continue };
        let claim = store::of_order(&mut conn, wo.id).await?;
        if claim.as_ref().is_some_and(store::is_paid) {
            continue;
        }
        let submitted_at = claim.as_ref().and_then(Claim::first_submitted_at);
        let late = match submitted_at {
            Some(at) => at > due,
            None => now > due,
        };
        rows.push(QueueRow {
            work_order_id: wo.id,
            order_state: order_state(&wo),
            ticket: wo.ticket,
            equipment_model: wo.equipment_model,
            serial: wo.serial,
            service_type: wo.service_type,
            station: wo.station,
            assignee: wo.assignee,
            assignee_name: wo.assignee_name,
            due,
            late,
            claim: claim.map(|c| QueueClaim {
                id: c.id,
                state: c.state,
                claim_number: c.claim_number,
            }),
        });
    }
    rows.sort_by(|a, b| a.due.cmp(&b.due).then(a.ticket.cmp(&b.ticket)));
    Ok(Json(rows))
}

#[derive(Deserialize)]
pub struct SinceQuery {
    since: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct ClaimChanges {
    pub claims: Vec<Claim>,
    pub seq: i64,
}

/// The claims of orders within `scope` changed after `since`, in sequence order.
async fn claims_in(conn: &mut Conn, scope: &Scope, since: i64) -> Result<Vec<Claim>, AppError> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT c.claim_json FROM claims c JOIN work_orders w ON w.id = c.work_order_id \
         WHERE c.seq > $1 AND ($2 IS NULL OR w.station = $2) ORDER BY c.seq",
    )
    .bind(since)
    .bind(scope.station())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|j| {
            serde_json::from_str(j)
                .map_err(|e| AppError::Internal(format!("stored claim is unreadable: {e}")))
        })
        .collect()
}

/// `GET /api/claims?since=N`: the claims changed after N and the value to ask from next.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<SinceQuery>,
) -> Result<Json<ClaimChanges>, AppError> {
    let scope = reader(&user)?;
    let since = query.since.unwrap_or(0);
    if since < 0 {
        return Err(AppError::bad_request(
            "bad_query",
            "since must be 0 or more",
        ));
    }
    let mut tx = state.db.begin().await?;
    let current = db::current_seq(&mut tx).await?;
    let since = if since > current { 0 } else { since };
    let claims = claims_in(&mut tx, &scope, since).await?;
    tx.commit().await?;
    Ok(Json(ClaimChanges {
        claims,
        seq: current,
    }))
}

/// `GET /api/claims/{id}`.
pub async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ClaimView>, AppError> {
    let scope = reader(&user)?;
    let mut conn = state.db.acquire().await?;
    let (stored, order) = load(&mut conn, &scope, &id).await?;
    Ok(Json(view(&mut conn, stored.claim, order).await?))
}

// ---------------------------------------------------------------------------------------------
// Drafting and editing.

/// `POST /api/claims`'s body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewClaim {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub kind: ClaimKind,
}

/// `POST /api/claims`: 201 with the drafted claim; the same id and body again: 200, the same.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(new): ApiJson<NewClaim>,
) -> Result<Response, AppError> {
    claims_support(&user)?;
    let payload = serde_json::to_string(&new)
        .map_err(|e| AppError::Internal(format!("cannot serialise: {e}")))?;
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    if let Some(stored) = store::find(&mut tx, new.id).await? {
        if stored.payload == payload && stored.created_by == user.profile.username {
            let order = order_of(&mut tx, stored.claim.work_order_id).await?;
            let answer = view(&mut tx, stored.claim, order).await?;
            tx.rollback().await?;
            return Ok(Json(answer).into_response());
        }
        return Err(conflict(
            "id_reused",
            "this id is already used for another claim",
        ));
    }
    let order = order_of(&mut tx, new.work_order_id).await?;
    if !order.claim_expected || claim_due(&order).is_none() {
        return Err(conflict(
            "not_claimable",
            "the order does not expect a claim, or its engineer has not left the site yet",
        ));
    }
    if store::of_order(&mut tx, order.id).await?.is_some() {
        return Err(conflict(
            "claim_exists",
            "the order has its claim already; open it from the queue",
        ));
    }
    let now = Utc::now();
    let mut claim = Claim::draft(new.id, &order, new.kind, &user.profile.username, now)
        .map_err(|_| conflict("not_claimable", "the engineer has not left the site yet"))?;
    store::insert(
        &mut tx,
        &mut claim,
        &payload,
        &user.profile.username,
        now,
        seq,
    )
    .await?;
    let answer = view(&mut tx, claim, order).await?;
    tx.commit().await?;
    tracing::info!(claim = %new.id, work_order = %new.work_order_id, by = %user.profile.username, "claim drafted");
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// `PUT /api/claims/{id}`'s body: the claim's editable lines, written whole.
#[derive(Debug, Deserialize)]
pub struct ClaimEdit {
    #[serde(default)]
    pub claim_number: String,
    pub kind: ClaimKind,
    #[serde(default)]
    pub labour: Vec<LabourLine>,
    #[serde(default)]
    pub materials: Vec<MaterialLine>,
    #[serde(default)]
    pub other_costs: Vec<CostLine>,
    #[serde(default)]
    pub remarks: String,
    #[serde(default)]
    pub claimed_fen: i64,
}

/// The most lines of one kind a claim carries.
const MAX_LINES: usize = 50;
/// The most one claim (or one cost line) may say, in fen: ten million yuan.
const MAX_FEN: i64 = 1_000_000_000;

/// Every value of an edit within its limits, the return tags the order's own.
fn check_edit(edit: &ClaimEdit, order: &WorkOrder) -> Result<(), AppError> {
    if !edit.claim_number.trim().is_empty() && !short_ok(&edit.claim_number) {
        return Err(invalid("claim_number", "at most 60 characters on one line"));
    }
    if edit.labour.len() > MAX_LINES
        || edit.materials.len() > MAX_LINES
        || edit.other_costs.len() > MAX_LINES
    {
        return Err(invalid("lines", "at most 50 lines of each kind"));
    }
    for l in &edit.labour {
        if !short_ok(&l.engineer) {
            return Err(invalid("labour", "each line names its engineer"));
        }
        if !l.service_code.is_empty() && !short_ok(&l.service_code) {
            return Err(invalid("labour", "a service code is one short line"));
        }
        if !text_ok(&l.description, limits::MAX_TEXT_CHARS) {
            return Err(invalid("labour", "a description is too long"));
        }
        if l.tenths == 0 || l.tenths > MAX_LABOUR_TENTHS {
            return Err(invalid("labour", "hours between 0.1 and 99.9"));
        }
    }
    let tags: Vec<&str> = order
        .report
        .parts
        .iter()
        .filter_map(|p| p.return_tag.as_deref())
        .collect();
    for m in &edit.materials {
        if !m.part_no.is_empty() && !short_ok(&m.part_no) {
            return Err(invalid("materials", "a part number is one short line"));
        }
        if !short_ok(&m.name) {
            return Err(invalid("materials", "each part has its name"));
        }
        if m.qty == 0 || m.qty > limits::MAX_PART_QTY {
            return Err(invalid("materials", "a quantity between 1 and 9999"));
        }
        if let Some(tag) = &m.return_tag
            && !tags.contains(&tag.as_str())
        {
            return Err(field_error(
                "tag_not_on_order",
                "materials",
                &format!("the return tag '{tag}' is not one of this order's"),
            ));
        }
    }
    for c in &edit.other_costs {
        if !short_ok(&c.what) {
            return Err(invalid("other_costs", "say what each cost is"));
        }
        if !(0..=MAX_FEN).contains(&c.fen) {
            return Err(invalid("other_costs", "an amount of 0 or more"));
        }
    }
    if !text_ok(&edit.remarks, limits::MAX_TEXT_CHARS) {
        return Err(invalid("remarks", "too long"));
    }
    if !(0..=MAX_FEN).contains(&edit.claimed_fen) {
        return Err(invalid("claimed_fen", "an amount of 0 or more"));
    }
    Ok(())
}

/// `PUT /api/claims/{id}`: the claim's lines (a draft, or a refused claim being corrected).
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(edit): ApiJson<ClaimEdit>,
) -> Result<Json<ClaimView>, AppError> {
    let (tx, seq, mut claim, order) = begin_change(&state, &user, &id).await?;
    if !matches!(claim.state, ClaimState::Draft | ClaimState::Refused) {
        return Err(wrong_state(
            "the claim is with the manufacturer; it changes again only if refused",
        ));
    }
    check_edit(&edit, &order)?;
    claim.claim_number = edit.claim_number.trim().to_string();
    claim.kind = edit.kind;
    claim.labour = edit.labour;
    claim.materials = edit.materials;
    claim.other_costs = edit.other_costs;
    claim.remarks = edit.remarks.trim().to_string();
    claim.claimed_fen = edit.claimed_fen;
    finish(tx, seq, claim, order).await
}

// ---------------------------------------------------------------------------------------------
// Submitting, the manufacturer's answer, the payment.

/// `POST /api/claims/{id}/submit`: marked submitted (resubmitted after a refusal); 422
/// `claim_incomplete` with `missing` while anything is missing.
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ClaimView>, AppError> {
    let (mut tx, seq, mut claim, order) = begin_change(&state, &user, &id).await?;
    let missing = missing_of(&mut tx, &claim, &order).await?;
    match claim.submit(&missing, &user.profile.username, Utc::now()) {
        Ok(()) => {}
        Err(OpError::BadValue(_)) => {
            return Err(AppError::Detailed {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "claim_incomplete",
                message: "the claim is not complete: see what is missing".into(),
                extra: json!({ "missing": missing }),
            });
        }
        Err(OpError::Closed) => return Err(claim_paid()),
        Err(_) => {
            return Err(wrong_state(
                "only a draft or a refused claim is (re)submitted",
            ));
        }
    }
    finish(tx, seq, claim, order).await
}

#[derive(Debug, Deserialize)]
pub struct AnswerBody {
    pub accepted: bool,
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/claims/{id}/answer`: the manufacturer accepted it, or refused it with a reason.
pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<Json<ClaimView>, AppError> {
    let (tx, seq, mut claim, order) = begin_change(&state, &user, &id).await?;
    claim
        .answer(
            body.accepted,
            &body.reason,
            &user.profile.username,
            Utc::now(),
        )
        .map_err(|e| match e {
            OpError::BadValue(_) => field_error(
                "reason_required",
                "reason",
                "say why the manufacturer refused it",
            ),
            OpError::Closed => claim_paid(),
            _ => wrong_state("only a submitted claim is answered"),
        })?;
    finish(tx, seq, claim, order).await
}

#[derive(Debug, Deserialize)]
pub struct PayBody {
    pub number: String,
    pub fen: i64,
    pub at: DateTime<Utc>,
}

/// `POST /api/claims/{id}/pay`: the manufacturer's credit note; the claim is paid for good.
pub async fn pay(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<PayBody>,
) -> Result<Json<ClaimView>, AppError> {
    let (tx, seq, mut claim, order) = begin_change(&state, &user, &id).await?;
    if body.fen > MAX_FEN {
        return Err(invalid("fen", "the amount is too large"));
    }
    let note = CreditNote {
        number: body.number.trim().to_string(),
        fen: body.fen,
        at: body.at,
    };
    let difference = claim
        .pay(note, &user.profile.username)
        .map_err(|e| match e {
            OpError::BadValue(_) => invalid(
                "credit_note",
                "the credit note's number (one short line) and an amount of 0 or more",
            ),
            OpError::Closed => claim_paid(),
            _ => wrong_state("only an accepted claim is paid"),
        })?;
    tracing::info!(claim = %claim.id, difference, "claim paid");
    finish(tx, seq, claim, order).await
}

// ---------------------------------------------------------------------------------------------
// The claim's files.

/// The claim's folder: `<model>-<serial>-<claim number>`, each part as photo names are made (no
/// `/`, no `..`, nothing a file system refuses).
pub fn claim_folder(claim: &Claim) -> String {
    format!(
        "{}-{}-{}",
        sanitize_part(&claim.model),
        sanitize_part(&claim.serial),
        sanitize_part(&claim.claim_number)
    )
}

/// `GET /api/claims/{id}/files.zip`: every uploaded photo of the order under its company-rule
/// name and `service-report.pdf`, in the claim's folder.
pub async fn files_zip(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, AppError> {
    let scope = reader(&user)?;
    let mut conn = state.db.acquire().await?;
    let (stored, order) = load(&mut conn, &scope, &id).await?;
    let claim = stored.claim;
    if claim.claim_number.trim().is_empty() {
        return Err(conflict(
            "claim_number_missing",
            "give the claim its number first: it names the folder",
        ));
    }
    let uploaded = photos::uploaded_for_order(&mut conn, order.id).await?;
    drop(conn);
    let folder = claim_folder(&claim);
    let capacity = uploaded.iter().map(|p| p.meta.bytes as usize).sum();
    let mut zip = PhotoZip::in_folder(folder.clone(), capacity);
    let fail = |e: zip::result::ZipError| {
        AppError::Internal(format!("cannot write the ZIP of claim {}: {e}", claim.id))
    };
    for photo in &uploaded {
        let bytes = crate::routes::photos::stored_bytes(&state, photo).await?;
        zip.add(&photo.meta, &bytes).map_err(fail)?;
    }
    let pdf = crate::claims_pdf::service_report(&order, Some(&claim));
    zip.add_file("service-report.pdf", &pdf).map_err(fail)?;
    let archive = zip.finish().map_err(fail)?;
    let disposition = photo_zip::content_disposition("attachment", &format!("{folder}.zip"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/zip"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .map_err(|_| AppError::Internal(format!("bad header {disposition}")))?,
            ),
        ],
        archive,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// The month's figures.

#[derive(Deserialize)]
pub struct MonthQuery {
    month: String,
}

/// Every claim of orders within `scope`.
async fn all_claims(conn: &mut Conn, scope: &Scope) -> Result<Vec<Claim>, AppError> {
    claims_in(conn, scope, i64::MIN).await
}

/// `GET /api/claims/figures?month=YYYY-MM`: the model's figures of the month.
pub async fn get_figures(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<MonthQuery>,
) -> Result<Json<ClaimFigures>, AppError> {
    let scope = reader(&user)?;
    let first = sheet::month_query(&query.month)?;
    let mut conn = state.db.acquire().await?;
    let claims = all_claims(&mut conn, &scope).await?;
    let parts = store::parts_between(&mut conn, None, None, scope.station()).await?;
    Ok(Json(figures(&claims, &parts, first)))
}

// ---------------------------------------------------------------------------------------------
// Commercial claims and the sign-off chain.

async fn my_title(conn: &mut Conn, user: &CurrentUser) -> Result<Option<String>, AppError> {
    store::title_of(conn, &user.id).await
}

/// `GET /api/commercial-claims`: claims support, the manager and the desk every one; a station
/// head their station's; a signer those waiting for their title too.
pub async fn list_commercial(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<CommercialClaim>>, AppError> {
    let mut conn = state.db.acquire().await?;
    let title = my_title(&mut conn, &user).await?;
    let scope = reader(&user).ok();
    if scope.is_none() && title.is_none() {
        return Err(AppError::Forbidden(
            "commercial claims are the office's and their signers'".into(),
        ));
    }
    let all = store::all_commercial(&mut conn).await?;
    Ok(Json(
        all.into_iter()
            .filter(|c| {
                let in_scope = match &scope {
                    Some(Scope::All) => true,
                    Some(Scope::Station(s)) => &c.station == s,
                    None => false,
                };
                let waiting = title
                    .as_deref()
                    .is_some_and(|t| c.next_step().is_some_and(|s| s.title == t));
                in_scope || waiting
            })
            .collect(),
    ))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewCommercial {
    pub id: Uuid,
    #[serde(default)]
    pub work_order_id: Option<Uuid>,
    pub fen: i64,
    pub reason: String,
}

/// `POST /api/commercial-claims`: a station head requests one for their station (201); the same
/// id and body again: 200, the same.
pub async fn create_commercial(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(new): ApiJson<NewCommercial>,
) -> Result<Response, AppError> {
    if user.profile.role != Role::ServiceSupervisor {
        return Err(AppError::Forbidden(
            "a commercial claim is requested by the station head".into(),
        ));
    }
    let station = user.profile.team.clone().unwrap_or_default();
    if station.trim().is_empty() {
        return Err(AppError::Forbidden("you have no station".into()));
    }
    if !(1..=MAX_FEN).contains(&new.fen) {
        return Err(invalid("fen", "an amount of more than 0"));
    }
    if new.reason.trim().is_empty() || !text_ok(&new.reason, limits::MAX_TEXT_CHARS) {
        return Err(invalid("reason", "say why (at most 2000 characters)"));
    }
    let payload = serde_json::to_string(&new)
        .map_err(|e| AppError::Internal(format!("cannot serialise: {e}")))?;
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    if let Some((existing, stored_payload)) = store::find_commercial(&mut tx, new.id).await? {
        if stored_payload == payload && existing.requested_by == user.profile.username {
            tx.rollback().await?;
            return Ok(Json(existing).into_response());
        }
        return Err(conflict(
            "id_reused",
            "this id is already used for another commercial claim",
        ));
    }
    if let Some(wo) = new.work_order_id {
        let order = order_of(&mut tx, wo).await?;
        if order.station.as_deref() != Some(station.as_str()) {
            return Err(not_your_station());
        }
    }
    let chain = store::chain(&mut tx).await?;
    if chain.is_empty() {
        return Err(conflict(
            "no_chain",
            "claims support has not set the sign-off chain yet",
        ));
    }
    let mut c = CommercialClaim {
        id: new.id,
        work_order_id: new.work_order_id,
        station,
        requested_by: user.profile.username.clone(),
        requested_at: Utc::now(),
        fen: new.fen,
        reason: new.reason.trim().to_string(),
        chain,
        sign_offs: Vec::new(),
        state: CommercialState::Signing,
        seq,
    };
    store::insert_commercial(&mut tx, &mut c, &payload, seq).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct SignBody {
    pub step: String,
    pub approved: bool,
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/commercial-claims/{id}/sign`: the holder of the next step's title signs or refuses.
pub async fn sign_commercial(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SignBody>,
) -> Result<Json<CommercialClaim>, AppError> {
    let id = parse_uuid(&id, "commercial claim")?;
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    let title = my_title(&mut tx, &user).await?;
    // Who may not read commercial claims at all is told so before the id is looked at: an
    // existing id answers as an unknown one.
    if reader(&user).is_err() && title.is_none() {
        return Err(AppError::Forbidden(
            "commercial claims are the office's and their signers'".into(),
        ));
    }
    let (mut c, _) = store::find_commercial(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no commercial claim {id}")))?;
    let titles: Vec<String> = title.into_iter().collect();
    c.sign(
        &body.step,
        &user.profile.username,
        &titles,
        body.approved,
        &body.reason,
        Utc::now(),
    )
    .map_err(|e| match e {
        OpError::NotAllowed => AppError::refused(
            StatusCode::FORBIDDEN,
            "not_your_step",
            "this step is signed by the holder of its title, not by you",
        ),
        OpError::BadValue(_) => field_error("reason_required", "reason", "say why it is refused"),
        _ => wrong_state("this step is not the one waiting for a signature"),
    })?;
    store::save_commercial(&mut tx, &mut c, seq).await?;
    tx.commit().await?;
    Ok(Json(c))
}

/// `GET /api/settings/sign-off-chain`.
pub async fn get_chain(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<SignOffChain>, AppError> {
    reader(&user)?;
    let mut conn = state.db.acquire().await?;
    Ok(Json(store::chain(&mut conn).await?))
}

/// A title or step key: lowercase letters, digits and `_`, 1 to 40.
fn key_ok(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `PUT /api/settings/sign-off-chain` (claims support): the chain for new requests.
pub async fn put_chain(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(chain): ApiJson<SignOffChain>,
) -> Result<Json<SignOffChain>, AppError> {
    claims_support(&user)?;
    if chain.is_empty() || chain.len() > 20 {
        return Err(invalid("chain", "between 1 and 20 steps"));
    }
    for (i, step) in chain.iter().enumerate() {
        if !key_ok(&step.key) || chain[..i].iter().any(|s| s.key == step.key) {
            return Err(invalid(
                "key",
                "each step's key is unique: lowercase letters, digits and _",
            ));
        }
        if !key_ok(&step.title) {
            return Err(invalid(
                "title",
                "each step names a title: lowercase letters, digits and _",
            ));
        }
        if !short_ok(&step.label_zh) || !short_ok(&step.label_en) {
            return Err(invalid(
                "label",
                "each step has its names in Chinese and English",
            ));
        }
    }
    let chain: Vec<ChainStep> = chain
        .into_iter()
        .map(|s| ChainStep {
            label_zh: s.label_zh.trim().into(),
            label_en: s.label_en.trim().into(),
            ..s
        })
        .collect();
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    store::save_chain(&mut tx, &chain, seq).await?;
    tx.commit().await?;
    Ok(Json(chain))
}

// ---------------------------------------------------------------------------------------------
// People: grades and titles.

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct PersonRow {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub team: Option<String>,
    #[sqlx(skip)]
    pub grade: Option<Grade>,
    pub title: Option<String>,
    #[serde(skip)]
    pub grade_text: Option<String>,
}

async fn people_rows(conn: &mut Conn, username: Option<&str>) -> Result<Vec<PersonRow>, AppError> {
    let mut rows: Vec<PersonRow> = sqlx::query_as(
        "SELECT username, display_name, role, team, title, grade AS grade_text FROM users \
         WHERE NOT disabled AND ($1 IS NULL OR username = $1) ORDER BY role, team, username",
    )
    .bind(username)
    .fetch_all(conn)
    .await?;
    for r in &mut rows {
        r.grade = r
            .grade_text
            .clone()
            .and_then(|g| serde_json::from_value(serde_json::Value::String(g)).ok());
    }
    Ok(rows)
}

/// `GET /api/people` (office roles): everyone enabled, with grade and title.
pub async fn people(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<PersonRow>>, AppError> {
    let role = user.profile.role;
    if !(role.is_office() || role.uses_desk()) {
        return Err(AppError::Forbidden(
            "the people list is the office's".into(),
        ));
    }
    let mut conn = state.db.acquire().await?;
    Ok(Json(people_rows(&mut conn, None).await?))
}

#[derive(Debug, Deserialize)]
pub struct PersonEdit {
    #[serde(default)]
    pub grade: Option<Grade>,
    #[serde(default)]
    pub title: Option<String>,
}

/// `PUT /api/people/{username}` (claims support or the desk): a person's grade and title.
pub async fn put_person(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(username): ApiPath<String>,
    ApiJson(edit): ApiJson<PersonEdit>,
) -> Result<Json<PersonRow>, AppError> {
    if !matches!(user.profile.role, Role::Claims | Role::Dispatcher) {
        return Err(AppError::Forbidden(
            "grades and titles are kept by claims support and the desk".into(),
        ));
    }
    let title = edit
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(t) = title
        && !key_ok(t)
    {
        return Err(invalid(
            "title",
            "a title is lowercase letters, digits and _ (e.g. bu_manager)",
        ));
    }
    let mut tx = state.db.begin().await?;
    // Taken for its lock (writers one at a time, see db::next_seq); users carry no number.
    db::next_seq(&mut tx).await?;
    let updated = sqlx::query("UPDATE users SET grade = $1, title = $2 WHERE username = $3")
        .bind(edit.grade.as_ref().map(name_of))
        .bind(title)
        .bind(&username)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound(format!("no user '{username}'")));
    }
    let row = people_rows(&mut tx, Some(&username))
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("'{username}' is disabled")))?;
    tx.commit().await?;
    Ok(Json(row))
}

// ---------------------------------------------------------------------------------------------
// Old parts.

/// An old part as the pages list it.
#[derive(Debug, Serialize)]
pub struct OldPartRow {
    #[serde(flatten)]
    pub part: OldPart,
    pub ticket: String,
    pub store_due: NaiveDate,
    pub store_late: bool,
    pub ship_late: bool,
}

#[derive(Deserialize)]
pub struct PartsQuery {
    month: Option<String>,
    station: Option<String>,
    state: Option<String>,
}

/// The China month `[first, next)` as instants.
fn month_bounds(first: NaiveDate) -> Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    let next = sheet::next_month(first)
        .ok_or_else(|| AppError::bad_request("bad_query", "month: out of range"))?;
    Ok((china_midnight(first), china_midnight(next)))
}

async fn part_rows(
    conn: &mut Conn,
    scope: &Scope,
    query: &PartsQuery,
) -> Result<Vec<OldPartRow>, AppError> {
    let bounds = match query.month.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => Some(month_bounds(sheet::month_query(m)?)?),
        None => None,
    };
    let state: Option<PartState> = match query.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            serde_json::from_value(serde_json::Value::String(s.into())).map_err(|_| {
                AppError::bad_request("bad_query", format!("state: '{s}' is no part state"))
            })?,
        ),
        None => None,
    };
    let station = match scope {
        Scope::Station(s) => Some(s.as_str()),
        Scope::All => query.station.as_deref().filter(|s| !s.is_empty()),
    };
    let parts =
        store::parts_between(conn, bounds.map(|b| b.0), bounds.map(|b| b.1), station).await?;
    let now = Utc::now();
    let mut rows = Vec::with_capacity(parts.len());
    for part in parts {
        if state.is_some_and(|s| s != part.state) {
            continue;
        }
        let ticket: Option<String> =
            sqlx::query_scalar("SELECT ticket FROM work_orders WHERE id = $1")
                .bind(part.work_order_id.to_string())
                .fetch_optional(&mut *conn)
                .await?;
        rows.push(OldPartRow {
            ticket: ticket.unwrap_or_default(),
            store_due: store_due(part.removed_at),
            store_late: part.store_late(now),
            ship_late: part.ship_late(now),
            part,
        });
    }
    Ok(rows)
}

/// `GET /api/old-parts?month=YYYY-MM&station=&state=`: the parts that came off in the month.
pub async fn list_parts(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<PartsQuery>,
) -> Result<Json<Vec<OldPartRow>>, AppError> {
    let scope = reader(&user)?;
    let mut conn = state.db.acquire().await?;
    Ok(Json(part_rows(&mut conn, &scope, &query).await?))
}

#[derive(Debug, Deserialize)]
pub struct ReceiveBody {
    pub work_order_id: Uuid,
}

/// Load a part for a change in a transaction that took the next sequence value.
async fn begin_part(
    state: &AppState,
    tag: &str,
) -> Result<(db::Tx, i64, Option<OldPart>), AppError> {
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    let part = store::part(&mut tx, tag).await?;
    Ok((tx, seq, part))
}

async fn finish_part(
    mut tx: db::Tx,
    seq: i64,
    part: OldPart,
) -> Result<Json<OldPartRow>, AppError> {
    store::save_part(&mut tx, &part, seq).await?;
    let ticket: Option<String> = sqlx::query_scalar("SELECT ticket FROM work_orders WHERE id = $1")
        .bind(part.work_order_id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    let now = Utc::now();
    Ok(Json(OldPartRow {
        ticket: ticket.unwrap_or_default(),
        store_due: store_due(part.removed_at),
        store_late: part.store_late(now),
        ship_late: part.ship_late(now),
        part,
    }))
}

fn part_state_error(e: OpError) -> AppError {
    match e {
        OpError::BadValue(what) => invalid("to", what),
        _ => wrong_state("the part is not at a step that allows this"),
    }
}

/// `POST /api/old-parts/{tag}/receive`: the order's station head (or claims support) confirms
/// they hold the part.
pub async fn receive_part(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(tag): ApiPath<String>,
    ApiJson(body): ApiJson<ReceiveBody>,
) -> Result<Json<OldPartRow>, AppError> {
    let scope = match user.profile.role {
        Role::Claims => Scope::All,
        Role::ServiceSupervisor => Scope::Station(user.profile.team.clone().unwrap_or_default()),
        _ => {
            return Err(AppError::Forbidden(
                "the station head receives old parts".into(),
            ));
        }
    };
    let (mut tx, seq, part) = begin_part(&state, &tag).await?;
    let order = order_of(&mut tx, body.work_order_id).await?;
    if !scope.covers(&order) {
        return Err(not_your_station());
    }
    let Some(mut part) = part.filter(|p| p.work_order_id == order.id) else {
        return Err(field_error(
            "tag_not_on_order",
            "tag",
            &format!("'{tag}' is not a return tag of {}", order.ticket),
        ));
    };
    part.move_to(
        PartState::WithStationHead,
        &user.profile.username,
        Utc::now(),
    )
    .map_err(part_state_error)?;
    finish_part(tx, seq, part).await
}

#[derive(Debug, Deserialize)]
pub struct MoveBody {
    pub to: PartState,
    #[serde(default)]
    pub size: Option<PartSize>,
}

fn no_part(tag: &str) -> AppError {
    AppError::NotFound(format!("no old part tagged '{tag}'"))
}

/// `POST /api/old-parts/{tag}/move` (claims support): into the store, destroyed, or shipped.
pub async fn move_part(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(tag): ApiPath<String>,
    ApiJson(body): ApiJson<MoveBody>,
) -> Result<Json<OldPartRow>, AppError> {
    claims_support(&user)?;
    if !matches!(
        body.to,
        PartState::InStore | PartState::Destroyed | PartState::ShippedToManufacturer
    ) {
        return Err(invalid(
            "to",
            "in_store, destroyed or shipped_to_manufacturer (the station head receives parts)",
        ));
    }
    let (tx, seq, part) = begin_part(&state, &tag).await?;
    let mut part = part.ok_or_else(|| no_part(&tag))?;
    if let Some(size) = body.size {
        part.size = size;
    }
    part.move_to(body.to, &user.profile.username, Utc::now())
        .map_err(part_state_error)?;
    finish_part(tx, seq, part).await
}

/// `POST /api/old-parts/{tag}/ship-request` (claims support): the manufacturer asked for the part
/// back (the shipping clock starts; asked again, nothing changes).
pub async fn ship_request(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(tag): ApiPath<String>,
) -> Result<Json<OldPartRow>, AppError> {
    claims_support(&user)?;
    let (tx, seq, part) = begin_part(&state, &tag).await?;
    let mut part = part.ok_or_else(|| no_part(&tag))?;
    if !matches!(
        part.state,
        PartState::WithEngineer | PartState::WithStationHead | PartState::InStore
    ) {
        return Err(wrong_state("the part is destroyed or shipped already"));
    }
    if part.ship_requested_at.is_none() {
        part.ship_requested_at = Some(Utc::now());
    }
    finish_part(tx, seq, part).await
}

#[derive(Deserialize)]
pub struct LedgerQuery {
    month: String,
    #[serde(default)]
    format: Option<String>,
}

/// The old-parts ledger's columns.
pub const PARTS_HEADER: [&str; 16] = [
    "旧件标签",
    "工单号",
    "服务站",
    "零件号",
    "零件名称",
    "数量",
    "大小",
    "状态",
    "持有人",
    "持有起始",
    "拆下时间",
    "应入库日",
    "入库时间",
    "入库逾期",
    "返厂要求时间",
    "返厂逾期",
];

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.into()
}

fn state_zh(s: PartState) -> &'static str {
    match s {
        PartState::WithEngineer => "工程师持有",
        PartState::WithStationHead => "站长持有",
        PartState::InStore => "已入库",
        PartState::Destroyed => "已销毁",
        PartState::ShippedToManufacturer => "已返厂",
    }
}

/// One ledger row as cells (the quantity a number).
pub fn part_cells(r: &OldPartRow) -> Vec<Cell> {
    let p = &r.part;
    vec![
        Cell::Text(p.tag.clone()),
        Cell::Text(r.ticket.clone()),
        Cell::Text(p.station.clone()),
        Cell::Text(p.part_no.clone()),
        Cell::Text(p.name.clone()),
        Cell::Number(f64::from(p.qty)),
        Cell::Text(
            match p.size {
                PartSize::Large => "大件",
                PartSize::Small => "小件",
            }
            .into(),
        ),
        Cell::Text(state_zh(p.state).into()),
        Cell::Text(p.holder.clone()),
        Cell::Text(china_time(p.since)),
        Cell::Text(china_time(p.removed_at)),
        Cell::Text(r.store_due.to_string()),
        Cell::Text(p.stored_at().map(china_time).unwrap_or_default()),
        Cell::Text(yes_no(r.store_late)),
        Cell::Text(p.ship_requested_at.map(china_time).unwrap_or_default()),
        Cell::Text(yes_no(r.ship_late)),
    ]
}

/// `GET /api/old-parts/ledger?month=YYYY-MM&format=json|csv|xlsx`: the parts that came off in
/// the month (China time), for the claims lead.
pub async fn parts_ledger(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<LedgerQuery>,
) -> Result<Response, AppError> {
    let scope = reader(&user)?;
    let first = sheet::month_query(&query.month)?;
    let month = first.format("%Y-%m").to_string();
    let mut conn = state.db.acquire().await?;
    let rows = part_rows(
        &mut conn,
        &scope,
        &PartsQuery {
            month: Some(month.clone()),
            station: None,
            state: None,
        },
    )
    .await?;
    let cells: Vec<_> = rows.iter().map(part_cells).collect();
    sheet::answer(
        query.format.as_deref(),
        || Json(&rows).into_response(),
        &format!("old-parts-{month}"),
        &[(&format!("旧件台账 {month}"), &PARTS_HEADER, &cells)],
    )
}

// ---------------------------------------------------------------------------------------------
// The desk's "a claim is expected".

#[derive(Debug, Deserialize)]
pub struct ClaimExpectedBody {
    pub claim_expected: bool,
}

/// `PUT /api/work-orders/{id}/claim-expected`: the desk, the order's station head or claims
/// support; refused on a closed order and for a service that is not claimable.
pub async fn put_claim_expected(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ClaimExpectedBody>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    let scope = match user.profile.role {
        Role::Claims => Scope::All,
        _ => desk::scope(&user)?,
    };
    let mut c = desk::begin_change(&state, &scope, order_id(&id)?).await?;
    if body.claim_expected && !claimable_service(c.wo.service_type) {
        return Err(invalid(
            "claim_expected",
            "only a fault repair, periodic maintenance or technical modification is claimed",
        ));
    }
    c.wo.claim_expected = body.claim_expected;
    work_orders::record_claim_expected(&mut c.tx, &c.wo, c.seq).await?;
    let answer = desk::detail(&mut c.tx, &user, c.wo.id).await?;
    c.tx.commit().await?;
    Ok(Json(answer))
}
