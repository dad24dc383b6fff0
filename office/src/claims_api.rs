//! Warranty claims, commercial claims and old parts (issue 19): the reads, the shapes the server
//! answers with (`/work/briefs/claims.md`), and the words for the claims' states and what is
//! missing. Changes go through `complaints_api::change`, which keeps a refusal's code, field and
//! body (a `claim_incomplete` refusal carries the list of what is missing).

use chrono::{DateTime, NaiveDate, Utc};
use fieldbook::api::{self, ApiFail};
use fieldbook::i18n::Lang;
use fieldbook_model::claims::{
    Claim, ClaimKind, ClaimMissing, ClaimState, CommercialClaim, CommercialState, Grade, PartSize,
    PartState,
};
use fieldbook_model::{ServiceType, WorkOrder};
use serde::Deserialize;
use uuid::Uuid;

use crate::complaints_api::ChangeFail;
use crate::i18n::Msg;
use crate::pages::call_backs::refusal_text as common_refusal;

/// A claim as `GET /api/claims/{id}` and every change answer it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ClaimView {
    pub claim: Claim,
    pub order: WorkOrder,
    #[serde(default)]
    pub missing: Vec<ClaimMissing>,
}

/// A claim as a queue row names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ClaimRef {
    pub id: Uuid,
    pub state: ClaimState,
    #[serde(default)]
    pub claim_number: String,
}

/// One claimable order in the queue (`GET /api/claims/queue`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct QueueRow {
    pub work_order_id: Uuid,
    pub ticket: String,
    #[serde(default)]
    pub equipment_model: String,
    #[serde(default)]
    pub serial: String,
    pub service_type: ServiceType,
    #[serde(default)]
    pub station: Option<String>,
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub assignee_name: String,
    #[serde(default)]
    pub order_state: String,
    pub due: DateTime<Utc>,
    #[serde(default)]
    pub late: bool,
    #[serde(default)]
    pub claim: Option<ClaimRef>,
}

/// `GET /api/claims?since=N`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClaimChanges {
    #[serde(default)]
    pub claims: Vec<Claim>,
}

/// An old part as the month's list shows it (`GET /api/old-parts`: an `OldPart` and the fields
/// beside it). The fields read here, no more: a `#[serde(flatten)]` of the whole part would
/// buffer it and build a second reader (see `api::detail`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OldPartRow {
    pub tag: String,
    pub work_order_id: Uuid,
    #[serde(default)]
    pub station: String,
    #[serde(default)]
    pub part_no: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub qty: u32,
    pub size: PartSize,
    pub state: PartState,
    #[serde(default)]
    pub holder: String,
    pub since: DateTime<Utc>,
    #[serde(default)]
    pub ship_requested_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ticket: String,
    pub store_due: NaiveDate,
    #[serde(default)]
    pub store_late: bool,
    #[serde(default)]
    pub ship_late: bool,
}

/// A person as `GET /api/people` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Person {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub grade: Option<Grade>,
    #[serde(default)]
    pub title: Option<String>,
}

pub async fn queue() -> Result<Vec<QueueRow>, ApiFail> {
    api::get("/api/claims/queue").await
}

pub async fn claim(id: Uuid) -> Result<ClaimView, ApiFail> {
    api::get(&format!("/api/claims/{id}")).await
}

pub async fn claims() -> Result<ClaimChanges, ApiFail> {
    api::get("/api/claims?since=0").await
}

pub async fn commercial() -> Result<Vec<CommercialClaim>, ApiFail> {
    api::get("/api/commercial-claims").await
}

pub async fn people() -> Result<Vec<Person>, ApiFail> {
    api::get("/api/people").await
}

pub async fn chain() -> Result<fieldbook_model::claims::SignOffChain, ApiFail> {
    api::get("/api/settings/sign-off-chain").await
}

pub const GRADES: [Grade; 4] = [Grade::Trainee, Grade::Tcl1, Grade::Tcl2, Grade::Tcl3];

/// A grade as the server spells it (and as it is shown: the manufacturer's own names).
pub fn grade_code(g: Grade) -> &'static str {
    match g {
        Grade::Trainee => "Trainee",
        Grade::Tcl1 => "TCL1",
        Grade::Tcl2 => "TCL2",
        Grade::Tcl3 => "TCL3",
    }
}

/// The month's old parts (`month` as `2026-12`; station and state empty for all).
pub async fn old_parts(
    month: String,
    station: String,
    state: String,
) -> Result<Vec<OldPartRow>, ApiFail> {
    let mut path = format!("/api/old-parts?month={month}");
    if !station.is_empty() {
        path.push_str(&format!("&station={}", crate::api::encode(&station)));
    }
    if !state.is_empty() {
        path.push_str(&format!("&state={state}"));
    }
    api::get(&path).await
}

/// The old parts' monthly ledger in `format` (csv or xlsx).
pub fn ledger_href(month: &str, format: &str) -> String {
    format!("/api/old-parts/ledger?month={month}&format={format}")
}

/// An old part's address by its tag.
pub fn part_path(tag: &str, what: &str) -> String {
    format!("/api/old-parts/{}/{what}", crate::api::encode(tag))
}

/// The kind a claim of this service usually is.
pub fn default_kind(t: ServiceType) -> ClaimKind {
    match t {
        ServiceType::PeriodicMaintenance => ClaimKind::ServiceFee,
        ServiceType::TechnicalModification => ClaimKind::TechnicalUpdate,
        _ => ClaimKind::Fault,
    }
}

pub const KINDS: [ClaimKind; 3] = [
    ClaimKind::Fault,
    ClaimKind::ServiceFee,
    ClaimKind::TechnicalUpdate,
];

pub fn kind_code(k: ClaimKind) -> &'static str {
    match k {
        ClaimKind::ServiceFee => "service_fee",
        ClaimKind::Fault => "fault",
        ClaimKind::TechnicalUpdate => "technical_update",
    }
}

pub fn kind_msg(k: ClaimKind) -> Msg {
    match k {
        ClaimKind::ServiceFee => Msg::KindServiceFee,
        ClaimKind::Fault => Msg::KindFault,
        ClaimKind::TechnicalUpdate => Msg::KindTechnicalUpdate,
    }
}

pub fn state_code(s: ClaimState) -> &'static str {
    match s {
        ClaimState::Draft => "draft",
        ClaimState::Submitted => "submitted",
        ClaimState::Accepted => "accepted",
        ClaimState::Refused => "refused",
        ClaimState::Resubmitted => "resubmitted",
        ClaimState::Paid => "paid",
    }
}

pub fn state_msg(s: ClaimState) -> Msg {
    match s {
        ClaimState::Draft => Msg::ClDraft,
        ClaimState::Submitted => Msg::ClSubmitted,
        ClaimState::Accepted => Msg::ClAccepted,
        ClaimState::Refused => Msg::ClRefused,
        ClaimState::Resubmitted => Msg::ClResubmitted,
        ClaimState::Paid => Msg::ClPaid,
    }
}

pub fn commercial_msg(s: CommercialState) -> Msg {
    match s {
        CommercialState::Signing => Msg::CcSigning,
        CommercialState::Approved => Msg::CcApproved,
        CommercialState::Refused => Msg::CcRefused,
    }
}

pub const PART_STATES: [PartState; 5] = [
    PartState::WithEngineer,
    PartState::WithStationHead,
    PartState::InStore,
    PartState::Destroyed,
    PartState::ShippedToManufacturer,
];

pub fn part_code(s: PartState) -> &'static str {
    match s {
        PartState::WithEngineer => "with_engineer",
        PartState::WithStationHead => "with_station_head",
        PartState::InStore => "in_store",
        PartState::Destroyed => "destroyed",
        PartState::ShippedToManufacturer => "shipped_to_manufacturer",
    }
}

pub fn part_msg(s: PartState) -> Msg {
    match s {
        PartState::WithEngineer => Msg::PtWithEngineer,
        PartState::WithStationHead => Msg::PtWithStationHead,
        PartState::InStore => Msg::PtInStore,
        PartState::Destroyed => Msg::PtDestroyed,
        PartState::ShippedToManufacturer => Msg::PtShipped,
    }
}

/// One missing item in words.
pub fn missing_text(m: &ClaimMissing, order: Option<&WorkOrder>, lang: Lang) -> String {
    match m {
        ClaimMissing::ClaimNumber => Msg::MsClaimNumber.text(lang).into(),
        ClaimMissing::Labour => Msg::MsLabour.text(lang).into(),
        ClaimMissing::PartNumber { line } => Msg::MsPartNumber
            .text(lang)
            .replace("{n}", &(line + 1).to_string()),
        ClaimMissing::OldPartPhoto { part_no } => {
            Msg::MsOldPartPhoto.text(lang).replace("{p}", part_no)
        }
        ClaimMissing::FaultInformation => Msg::MsFaultInfo.text(lang).into(),
        ClaimMissing::Photo { slot } => {
            let label = order
                .and_then(|o| o.slots.iter().find(|s| s.key == *slot))
                .map(|s| {
                    if lang == Lang::Zh {
                        s.label_zh.clone()
                    } else {
                        s.label_en.clone()
                    }
                })
                .unwrap_or_else(|| slot.clone());
            Msg::MsPhoto.text(lang).replace("{s}", &label)
        }
        ClaimMissing::EngineerGrade { engineer } => {
            Msg::MsGrade.text(lang).replace("{e}", engineer)
        }
        ClaimMissing::OrderNotClosed => Msg::MsOrderNotClosed.text(lang).into(),
    }
}

/// The list a `claim_incomplete` refusal carries.
pub fn refused_missing(fail: &ChangeFail) -> Option<Vec<ClaimMissing>> {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        missing: Vec<ClaimMissing>,
    }
    match fail {
        ChangeFail::Refused(r) if r.error == "claim_incomplete" => {
            fieldbook_model::json::from_str::<Body>(&r.body)
                .ok()
                .map(|b| b.missing)
        }
        _ => None,
    }
}

/// A refusal of a claim or old-part change, in words.
pub fn refusal_text(fail: &ChangeFail, lang: Lang) -> String {
    if let ChangeFail::Refused(r) = fail {
        let msg = match r.error.as_str() {
            "claim_incomplete" => Some(Msg::ClaimIncomplete),
            "claim_paid" => Some(Msg::ClaimPaidRefused),
            "claim_exists" => Some(Msg::ClaimExists),
            "not_claimable" => Some(Msg::NotClaimable),
            "reason_required" => Some(Msg::ReasonRequired),
            "tag_not_on_order" => Some(Msg::TagNotOnOrder),
            "claim_number_missing" => Some(Msg::MsClaimNumber),
            "not_your_step" => Some(Msg::NotYourStep),
            "id_reused" => Some(Msg::IdReused),
            "order_closed" => Some(Msg::OrderClosedRefused),
            "invalid_value" => Some(Msg::InvalidValue),
            "no_chain" => Some(Msg::NoChain),
            "not_your_station" => Some(Msg::Forbidden),
            _ => None,
        };
        if let Some(m) = msg {
            return match &r.field {
                Some(f) if r.error == "invalid_value" => format!("{}: {f}", m.text(lang)),
                _ => m.text(lang).to_string(),
            };
        }
    }
    common_refusal(fail, lang)
}

/// Fen as yuan, "1234.50".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Yuan as typed ("1234", "1234.5", "1,234.50") in fen; `None` when it is not an amount of at most
/// two decimals, or negative, or over 10 million.
pub fn parse_yuan(s: &str) -> Option<i64> {
    let s: String = s
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let s = s.strip_prefix('¥').unwrap_or(&s).trim();
    if s.is_empty() {
        return None;
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 12
    {
        return None;
    }
    let w: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let f: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    // The server takes up to 10 million yuan.
    Some(w * 100 + f).filter(|f| *f <= 1_000_000_000)
}

/// Tenths of an hour as hours, "1.5".
pub fn hours(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Hours as typed ("1.5", "2") in tenths; `None` unless at most one decimal, 0.1 to 99.9.
pub fn parse_hours(s: &str) -> Option<u32> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || frac.len() > 1
        || whole.len() > 4
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let w: u32 = whole.parse().ok()?;
    let f: u32 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    Some(w * 10 + f)
}

/// A China date ("2026-12-07") as the UTC instant of its noon (a credit note's date).
pub fn date_input(s: &str) -> Option<DateTime<Utc>> {
    crate::china::from_input(&format!("{}T12:00", s.trim()))
}

/// The China date of an instant, as `<input type=date>` holds it.
pub fn to_date_input(at: DateTime<Utc>) -> String {
    crate::china::to_input(at)[..10].to_string()
}
