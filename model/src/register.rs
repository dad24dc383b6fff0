//! The equipment register's and the photo rules' checks, and what an import answers.
//!
//! The server refuses with these; the office app checks the same as the person types. The
//! records themselves ([`Machine`], [`SlotRule`]) are the desk's contract in `desk.rs`.

use serde::{Deserialize, Serialize};

use crate::desk::{Machine, SlotRule};
use crate::validate::short_ok;

/// The serial as the register looks it up: trimmed, ASCII letters lower-cased (as SQL's
/// `lower(trim(serial))` does on both databases), so `vcec210 ` and `VCEC210` are one machine.
pub fn serial_key(serial: &str) -> String {
    serial.trim().to_ascii_lowercase()
}

/// Why a register entry is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MachineError {
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("{field} is too long or has characters that are not allowed")]
    Invalid { field: &'static str },
    #[error("the warranty cannot end before the delivery")]
    WarrantyBeforeDelivery,
}

impl MachineError {
    /// The form field the message belongs under.
    pub fn field(&self) -> &'static str {
        match self {
            MachineError::Required { field } | MachineError::Invalid { field } => field,
            MachineError::WarrantyBeforeDelivery => "warranty_end",
        }
    }

    /// The code the server answers with.
    pub fn code(&self) -> &'static str {
        match self {
            MachineError::Required { .. } => "required",
            MachineError::Invalid { .. } => "invalid_value",
            MachineError::WarrantyBeforeDelivery => "warranty_before_delivery",
        }
    }
}

impl Machine {
    /// The entry's own rules (its hour readings are not the entry's: they come from orders and
    /// imports, and a `PUT` ignores them).
    pub fn check(&self) -> Vec<MachineError> {
        let mut errors = Vec::new();
        for (field, value, required) in [
            ("serial", &self.serial, true),
            ("equipment_model", &self.equipment_model, true),
            ("customer", &self.customer, false),
        ] {
            if value.trim().is_empty() {
                if required {
                    errors.push(MachineError::Required { field });
                }
            } else if !short_ok(value) {
                errors.push(MachineError::Invalid { field });
            }
        }
        if let (Some(delivered), Some(end)) = (self.delivered_on, self.warranty_end)
            && end < delivered
        {
            errors.push(MachineError::WarrantyBeforeDelivery);
        }
        errors
    }
}

/// The longest slot key: it goes into every photo's file name.
pub const MAX_SLOT_KEY: usize = 30;
/// The most slots one service type may ask for.
pub const MAX_SLOTS: usize = 30;

/// Why a service type's photo slots are refused; `index` is the slot's place in the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotRuleError {
    #[error("slot {index}: the key must be 1 to 30 of a-z, 0-9 and _")]
    BadKey { index: usize },
    #[error("slot {index}: '{key}' is the app's own slot")]
    ReservedKey { index: usize, key: String },
    #[error("slot {index}: the key '{key}' is used twice")]
    DuplicateKey { index: usize, key: String },
    #[error("slot {index}: {field} must be 1 to 60 characters on one line")]
    BadLabel { index: usize, field: &'static str },
    #[error("a service type asks for at most {MAX_SLOTS} photos")]
    TooMany,
}

impl SlotRuleError {
    pub fn code(&self) -> &'static str {
        match self {
            SlotRuleError::BadKey { .. } => "bad_slot_key",
            SlotRuleError::ReservedKey { .. } => "reserved_slot_key",
            SlotRuleError::DuplicateKey { .. } => "duplicate_slot_key",
            SlotRuleError::BadLabel { .. } => "bad_label",
            SlotRuleError::TooMany => "too_many_slots",
        }
    }
}

/// A slot key: short ASCII, since it goes into file names.
pub fn slot_key_ok(key: &str) -> bool {
    (1..=MAX_SLOT_KEY).contains(&key.len())
        && key
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

/// Every rule of one service type's slot list, in list order.
pub fn check_slot_rules(rules: &[SlotRule]) -> Vec<SlotRuleError> {
    let mut errors = Vec::new();
    if rules.len() > MAX_SLOTS {
        errors.push(SlotRuleError::TooMany);
    }
    let mut seen = std::collections::HashSet::new();
    for (index, rule) in rules.iter().enumerate() {
        if !slot_key_ok(&rule.key) {
            errors.push(SlotRuleError::BadKey { index });
        } else if matches!(rule.key.as_str(), "extra" | "signature") {
            errors.push(SlotRuleError::ReservedKey {
                index,
                key: rule.key.clone(),
            });
        } else if !seen.insert(rule.key.as_str()) {
            errors.push(SlotRuleError::DuplicateKey {
                index,
                key: rule.key.clone(),
            });
        }
        for (field, label) in [("label_zh", &rule.label_zh), ("label_en", &rule.label_en)] {
            if !short_ok(label) {
                errors.push(SlotRuleError::BadLabel { index, field });
            }
        }
    }
    errors
}

/// `POST /api/import/...`: what became of a file, line by line. Each good line is written on
/// its own (as the command-line import always did); a refused line changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Lines written.
    pub accepted: u32,
    /// Lines refused, in file order.
    pub refused: Vec<ImportRefusal>,
}

/// One refused line: its number in the file (the header is line 1) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRefusal {
    pub line: usize,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn machine() -> Machine {
        Machine {
            serial: " VCEC210DC00312457 ".into(),
            equipment_model: "EC210D".into(),
            customer: "中建三局".into(),
            delivered_on: NaiveDate::from_ymd_opt(2025, 3, 1),
            warranty_end: NaiveDate::from_ymd_opt(2027, 3, 1),
            hours: Vec::new(),
        }
    }

    fn rule(key: &str) -> SlotRule {
        SlotRule {
            key: key.into(),
            label_zh: "铭牌".into(),
            label_en: "Nameplate".into(),
            required: true,
            example: None,
        }
    }

    #[test]
    fn serials_are_looked_up_trimmed_and_without_case() {
        assert_eq!(serial_key(" VCEC210dc "), "vcec210dc");
    }

    #[test]
    fn a_machine_needs_serial_and_model_and_a_warranty_after_delivery() {
        assert!(machine().check().is_empty());
        let mut m = machine();
        m.serial = " ".into();
        m.equipment_model = "x".repeat(61);
        m.warranty_end = NaiveDate::from_ymd_opt(2025, 2, 28);
        let codes: Vec<_> = m.check().iter().map(|e| (e.field(), e.code())).collect();
        assert_eq!(
            codes,
            vec![
                ("serial", "required"),
                ("equipment_model", "invalid_value"),
                ("warranty_end", "warranty_before_delivery"),
            ]
        );
        // The same day is fine; no delivery date, any warranty end.
        let mut m = machine();
        m.warranty_end = m.delivered_on;
        assert!(m.check().is_empty());
        m.delivered_on = None;
        assert!(m.check().is_empty());
    }

    #[test]
    fn slot_keys_are_short_ascii_unique_and_not_the_apps_own() {
        assert!(check_slot_rules(&[rule("nameplate"), rule("hour_meter2")]).is_empty());
        let mut blank = rule("overall");
        blank.label_en = " ".into();
        let errors = check_slot_rules(&[
            rule("Nameplate"),
            rule("铭牌"),
            rule(&"k".repeat(31)),
            rule("extra"),
            rule("signature"),
            rule("a"),
            rule("a"),
            blank,
        ]);
        let codes: Vec<_> = errors.iter().map(SlotRuleError::code).collect();
        assert_eq!(
            codes,
            vec![
                "bad_slot_key",
                "bad_slot_key",
                "bad_slot_key",
                "reserved_slot_key",
                "reserved_slot_key",
                "duplicate_slot_key",
                "bad_label",
            ]
        );
        let many: Vec<_> = (0..31).map(|i| rule(&format!("s{i}"))).collect();
        assert_eq!(check_slot_rules(&many), vec![SlotRuleError::TooMany]);
    }
}
