//! What the queue holds, said as the person would say it: "大堂 · 地面推尘 ✓", "T-1 · 铭牌",
//! never an id or a slot's key.

use fieldbook_model::cleaning::{Mark, UNIT_PHOTO_SLOT, VacantRecord, VacantStandard};
use fieldbook_model::findings::Finding;
use fieldbook_model::photo::{EXTRA_SLOT, OLD_PART_SLOT, SIGNATURE_SLOT};
use fieldbook_model::sync::FieldReference;
use fieldbook_model::{OpKind, Operation, WorkOrder};
use uuid::Uuid;

use crate::db::PhotoRecord;
use crate::i18n::{self, Lang, Msg};

/// The device's records the queue's entries and photos are about.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Names {
    pub orders: Vec<WorkOrder>,
    pub reference: FieldReference,
    pub findings: Vec<Finding>,
    pub records: Vec<VacantRecord>,
}

impl Names {
    pub fn order(&self, id: Option<Uuid>) -> Option<&WorkOrder> {
        self.orders.iter().find(|o| Some(o.id) == id)
    }

    fn area(&self, id: Uuid) -> &str {
        self.reference
            .areas
            .iter()
            .find(|a| a.id == id)
            .map_or("", |a| &a.name)
    }

    fn item(&self, id: Uuid) -> &str {
        self.reference
            .items
            .iter()
            .find(|i| i.id == id)
            .map_or("", |i| &i.label)
    }

    fn unit(&self, id: Uuid) -> &str {
        self.reference
            .units
            .iter()
            .find(|u| u.id == id)
            .map_or("", |u| &u.name)
    }

    /// Where a finding is: its area's name, else the place in words.
    fn place<'a>(&'a self, area: Option<Uuid>, place: &'a str) -> &'a str {
        area.map(|a| self.area(a))
            .filter(|n| !n.is_empty())
            .unwrap_or(place)
    }

    fn finding(&self, id: Uuid, lang: Lang) -> String {
        self.findings
            .iter()
            .find(|f| f.id == id)
            .map_or_else(String::new, |f| {
                format!(
                    "{} · {}",
                    self.place(f.area_id, &f.place),
                    i18n::problem_kind(f.problem, lang)
                )
            })
    }

    /// A work order's photo slot by its label.
    fn slot(&self, order: &WorkOrder, key: &str, lang: Lang) -> String {
        let msg = match key {
            SIGNATURE_SLOT => Msg::CustomerSignature,
            OLD_PART_SLOT => Msg::OldPartPhotos,
            EXTRA_SLOT => Msg::ExtraPhotos,
            _ => {
                return order
                    .slots
                    .iter()
                    .find(|s| s.key == key)
                    .map(|s| match lang {
                        Lang::Zh => s.label_zh.clone(),
                        Lang::En => s.label_en.clone(),
                    })
                    .unwrap_or_else(|| Msg::Photo.text(lang).into());
            }
        };
        msg.text(lang).into()
    }

    /// A vacant-unit record's photo slot by its label.
    fn record_slot(key: &str, lang: Lang) -> &'static str {
        if key == UNIT_PHOTO_SLOT {
            return Msg::UnitPhotoShort.text(lang);
        }
        VacantStandard::ALL
            .iter()
            .find(|i| i.slot() == key)
            .map_or(Msg::Photo.text(lang), |i| i18n::vacant_standard(*i, lang))
    }

    /// What an entry did, to what: "大堂 · 地面推尘 ✓", "T-1 · 出发".
    pub fn entry(&self, op: &Operation, lang: Lang) -> String {
        let what = i18n::op_label(&op.kind, lang);
        let on = match &op.kind {
            OpKind::MarkItem {
                area_id,
                item_id,
                mark,
                ..
            } => {
                let at = format!("{} · {}", self.area(*area_id), self.item(*item_id));
                return match mark {
                    Some(Mark::Done) => format!("{at} ✓"),
                    _ => format!("{at} · {what}"),
                };
            }
            OpKind::SettleMark {
                area_id, item_id, ..
            } => format!("{} · {}", self.area(*area_id), self.item(*item_id)),
            OpKind::FinishArea { area_id, .. } | OpKind::ReviewArea { area_id, .. } => {
                self.area(*area_id).into()
            }
            OpKind::SaveVacantRecord { unit_id, .. } => self.unit(*unit_id).into(),
            OpKind::ReviewVacantRecord { record_id, .. }
            | OpKind::SettleVacantRecord { record_id } => self
                .records
                .iter()
                .find(|r| r.id == *record_id)
                .map_or("", |r| self.unit(r.unit_id))
                .into(),
            OpKind::ReportFinding {
                area_id,
                place,
                problem,
                ..
            } => format!(
                "{} · {}",
                self.place(*area_id, place),
                i18n::problem_kind(*problem, lang)
            ),
            OpKind::AssignFinding { finding_id, .. }
            | OpKind::CloseFinding { finding_id, .. }
            | OpKind::ConfirmFinding { finding_id }
            | OpKind::ReopenFinding { finding_id, .. }
            | OpKind::SettleFinding { finding_id, .. } => self.finding(*finding_id, lang),
            OpKind::SubmitRound { kind, .. } => i18n::round_kind(*kind, lang).into(),
            OpKind::AddPhoto {
                work_order_id,
                slot,
                ..
            } => {
                return self.order(Some(*work_order_id)).map_or(what, |o| {
                    format!("{} · {}", o.ticket, self.slot(o, slot, lang))
                });
            }
            _ => self
                .order(op.work_order_id())
                .map(|o| o.ticket.clone())
                .unwrap_or_default(),
        };
        if on.is_empty() {
            what
        } else {
            format!("{on} · {what}")
        }
    }

    /// What a photo belongs to: "T-1 · 铭牌", "大堂 · 渗漏", "3栋 1204 · 墙面无污染".
    pub fn photo(&self, p: &PhotoRecord, lang: Lang) -> String {
        let owner = p.work_order_id;
        if let Some(o) = self.order(Some(owner)) {
            let key = o
                .photos
                .iter()
                .find(|m| m.id == p.id)
                .map_or("", |m| m.slot.as_str());
            return format!("{} · {}", o.ticket, self.slot(o, key, lang));
        }
        if let Some(f) = self.findings.iter().find(|f| f.id == owner) {
            let after = f.after_photos.iter().any(|a| a.photo_id == p.id);
            let text = self.finding(f.id, lang);
            return if after {
                format!("{text} · {}", Msg::After.text(lang))
            } else {
                text
            };
        }
        if let Some(r) = self.records.iter().find(|r| r.id == owner) {
            let key = r
                .photos
                .iter()
                .find(|m| m.photo_id == p.id)
                .map_or("", |m| m.slot.as_str());
            return format!(
                "{} · {}",
                self.unit(r.unit_id),
                Self::record_slot(key, lang)
            );
        }
        Msg::Photo.text(lang).into()
    }
}
