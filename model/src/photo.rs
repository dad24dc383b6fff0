//! Photos: the company's naming rule, and the slots each service type requires.
//!
//! A photo's name is `<ticket>-<model>-<serial>-<hours>h-<yyyymmdd>-<slot>[-<n>].jpg`. A wrongly
//! named photo is a defect, so the name is made by this one function, on the phone (to show it)
//! and on the server (to file it), from the work order's own fields. Every part is sanitised: the
//! name is a label, never a storage path.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::work_order::ServiceType;

/// The date in photo names: the company works in China Standard Time (UTC+8), so the phone and
/// the server get the same date from the same instant, whatever their own time zones.
pub fn naming_date(at: DateTime<Utc>) -> NaiveDate {
    (at + chrono::Duration::hours(8)).date_naive()
}

/// The longest a single part of a name may be, in bytes of UTF-8 (40 ASCII characters, 13 Chinese
/// ones): a name of five such parts, the hours, the date, the slot and the number stays under
/// [`MAX_NAME_BYTES`], so it unpacks on every file system (255 bytes a path element) with room
/// to spare for tools that count the folder too.
pub const MAX_PART_BYTES: usize = 40;
/// The longest a photo's file name may be, in bytes.
pub const MAX_NAME_BYTES: usize = 220;
/// A photo is stored with its long edge at most this many pixels.
pub const LONG_EDGE_PX: u32 = 2048;

/// One photo a service type asks for: its key (used in the name) and its labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoSlot {
    /// Short ASCII key, part of the file name, e.g. `nameplate`.
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// Missing required photos block the service report (each one is a defect).
    pub required: bool,
}

/// A photo taken for a work order, as the phone and the server know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoMeta {
    pub id: Uuid,
    /// The slot's key, or `extra` for optional photos, or `signature`.
    pub slot: String,
    /// 1 for the first photo in a slot; later ones get `-2`, `-3` in their name.
    pub n: u32,
    /// The name by the company rule, made from the work order when the photo was taken.
    pub name: String,
    /// Lowercase hex SHA-256 of the stored bytes.
    pub sha256: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
    /// The device's clock when the photo was taken.
    #[serde(default)]
    pub taken_at: Option<DateTime<Utc>>,
    /// True once the server confirmed it holds exactly these bytes.
    #[serde(default)]
    pub uploaded: bool,
    /// When the server stored the bytes (the office's "filled when").
    #[serde(default)]
    pub uploaded_at: Option<DateTime<Utc>>,
    /// When it was taken back by the engineer after it was sent (a wrong picture), at the best
    /// time known for the tap: kept on record, but it no longer fills its slot nor goes into
    /// ZIPs and claims. Two plain fields rather than a struct: every struct read costs the
    /// phone's wasm its own code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Who withdrew it (username).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_by: Option<String>,
}

/// The slot key of the customer's signature, stored like a photo.
pub const SIGNATURE_SLOT: &str = "signature";
/// The slot key of optional extra photos.
pub const EXTRA_SLOT: &str = "extra";
/// The slot key of the photos of replaced parts (旧件), one per replaced part, required on an
/// order that expects a claim ([`crate::work_order::WorkOrder::old_part_photos_needed`]).
pub const OLD_PART_SLOT: &str = "old_part";

/// Names Windows refuses as files, whatever the extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Make one part of a name safe: letters and digits of any script, `-` and `_` only.
///
/// Full-width ASCII (common from Chinese input methods: `ＥＣ２１０Ｄ`) becomes plain ASCII first,
/// so the same machine gets the same name whichever keyboard typed it. Everything else that is
/// not a letter or a digit (path separators, dots, control characters, spaces) becomes `_`,
/// runs of `_` shrink to one, and the part is cut to [`MAX_PART_BYTES`] at a character boundary.
pub fn sanitize_part(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or('_'),
            '\u{3000}' => ' ',
            c => c,
        };
        let keep = c.is_alphanumeric() || c == '-' || c == '_';
        let c = if keep { c } else { '_' };
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
    }
    let trimmed = cut_to_bytes(out.trim_matches(|c| c == '_' || c == '-'), MAX_PART_BYTES);
    let trimmed = trimmed.trim_end_matches(['_', '-']).to_string();
    if trimmed.is_empty() {
        return "x".to_string();
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&trimmed)) {
        return format!("{trimmed}_");
    }
    trimmed
}

/// The longest start of `s` that fits in `max` bytes, cut at a character boundary.
fn cut_to_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A stored name that is too long for a file system (names made before the byte cap): every one
/// of its `-`-separated parts kept, the longest ones cut (at character boundaries) until it fits,
/// then a tag that keeps it unique (`unique`, e.g. the photo's id) and its extension, in at most
/// [`MAX_NAME_BYTES`] bytes. Names that fit come back as they are.
pub fn fit_name(name: &str, unique: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_string();
    }
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if name.len() - dot <= 5 => name.split_at(dot),
        _ => (name, ""),
    };
    let tag = cut_to_bytes(unique, 8);
    let room = MAX_NAME_BYTES - ext.len() - tag.len() - 1;
    let mut parts: Vec<&str> = stem.split('-').collect();
    let length = |parts: &[&str]| parts.iter().map(|p| p.len() + 1).sum::<usize>() - 1;
    while length(&parts) > room {
        let (i, longest) = parts
            .iter()
            .enumerate()
            .max_by_key(|(_, p)| p.len())
            .map(|(i, p)| (i, p.len()))
            .unwrap_or_default();
        if longest <= 1 {
            break;
        }
        // One character off the longest part (the cut goes back to a character's start).
        parts[i] = cut_to_bytes(parts[i], longest - 1);
    }
    let stem = parts.join("-");
    format!("{}-{tag}{ext}", cut_to_bytes(&stem, room))
}

/// The photo's file name by the company rule: ticket-model-serial-hours-date-slot, or with the
/// service content before the date (`service`, the older rule of
/// [`crate::desk::PhotoNaming::WithServiceContent`]).
#[allow(clippy::too_many_arguments)]
pub fn photo_name(
    ticket: &str,
    model: &str,
    serial: &str,
    hours: u32,
    service: Option<ServiceType>,
    date: NaiveDate,
    slot: &str,
    n: u32,
) -> String {
    let mut name = format!(
        // By hand, not `date.format(..)`: chrono's strftime machinery costs the phone's wasm
        // more than this line.
        "{}-{}-{}-{}h-{}{:04}{:02}{:02}-{}",
        sanitize_part(ticket),
        sanitize_part(model),
        sanitize_part(serial),
        hours,
        service.map_or(String::new(), |s| format!("{}-", s.zh())),
        date.year(),
        date.month(),
        date.day(),
        sanitize_part(slot),
    );
    if n > 1 {
        name.push_str(&format!("-{n}"));
    }
    name.push_str(".jpg");
    name
}

/// The size a photo is stored at: the long edge at most `long_edge`, proportions kept, never
/// enlarged.
pub fn fit_within(width: u32, height: u32, long_edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_edge || long == 0 {
        return (width, height);
    }
    let scale = long_edge as f64 / long as f64;
    let w = ((width as f64 * scale).round() as u32).max(1);
    let h = ((height as f64 * scale).round() as u32).max(1);
    (w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn the_company_rule() {
        let name = photo_name(
            "BX-20261127-001",
            "EC210D",
            "VCEC210DC00312457",
            3520,
            None,
            day(),
            "nameplate",
            1,
        );
        assert_eq!(
            name,
            "BX-20261127-001-EC210D-VCEC210DC00312457-3520h-20261127-nameplate.jpg"
        );
        let second = photo_name("BX-1", "EC210D", "S1", 0, None, day(), "extra", 3);
        assert_eq!(second, "BX-1-EC210D-S1-0h-20261127-extra-3.jpg");
        let older = photo_name(
            "BX-1",
            "EC210D",
            "S1",
            250,
            Some(ServiceType::PeriodicMaintenance),
            day(),
            "oil_filter",
            1,
        );
        assert_eq!(
            older,
            "BX-1-EC210D-S1-250h-定检保养-20261127-oil_filter.jpg"
        );
    }

    #[test]
    fn hostile_parts_cannot_escape_or_break_the_name() {
        for (raw, want) in [
            ("../../etc/passwd", "etc_passwd"),
            ("..\\..\\windows", "windows"),
            ("a/b\\c", "a_b_c"),
            ("EC\u{0}210D", "EC_210D"),
            ("EC210D\r\nX-Injected: 1", "EC210D_X-Injected_1"),
            ("..", "x"),
            ("", "x"),
            ("   ", "x"),
            ("CON", "CON_"),
            ("lpt1", "lpt1_"),
            ("ＥＣ２１０Ｄ", "EC210D"),
            ("三一 SY215C", "三一_SY215C"),
            ("PC200-8", "PC200-8"),
        ] {
            assert_eq!(sanitize_part(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn long_parts_are_capped() {
        let serial = "S".repeat(300);
        let part = sanitize_part(&serial);
        assert_eq!(part.len(), MAX_PART_BYTES);
        let name = photo_name("T", "M", &serial, 1, None, day(), "slot", 1);
        assert!(name.len() < 120, "{}", name.len());
    }

    #[test]
    fn names_fit_a_file_system_in_bytes_whatever_the_script() {
        // Long Chinese parts reached 387 bytes and a ZIP of them failed to unpack.
        let long = "山东临工重型机械有限公司济南分公司第三工地挖掘机";
        let name = photo_name(
            long,
            long,
            long,
            u32::MAX,
            Some(ServiceType::PeriodicMaintenance),
            day(),
            "oil_filter_and_the_longest_slot_key_there_is",
            u32::MAX,
        );
        assert!(name.len() <= MAX_NAME_BYTES, "{} bytes: {name}", name.len());
        // Cut at a character boundary, the meaning's start kept.
        assert!(name.starts_with("山东临工重型机械有限公司济-"), "{name}");
        assert!(name.ends_with(&format!("-{}.jpg", u32::MAX)), "{name}");
    }

    #[test]
    fn a_stored_name_too_long_is_fitted_and_stays_unique() {
        let old = format!("{}-nameplate.jpg", "挖".repeat(120));
        let a = fit_name(&old, "0b7c9e2a-1111");
        let b = fit_name(&old, "5f00aa10-2222");
        assert!(a.len() <= MAX_NAME_BYTES && b.len() <= MAX_NAME_BYTES);
        assert_ne!(a, b);
        assert!(
            a.starts_with("挖挖挖") && a.ends_with("-nameplate-0b7c9e2a.jpg"),
            "{a}"
        );
        // Every part keeps its start: the longest are cut, the date and slot stay whole.
        let long = "山东临工重型机械有限公司济南分公司第三工地挖掘机".repeat(2);
        let old = format!("BX-{long}-{long}-SN1-3520h-20261207-铭牌照片-2.jpg");
        assert!(old.len() > 255);
        let fitted = fit_name(&old, "0b7c9e2a");
        assert!(fitted.len() <= MAX_NAME_BYTES, "{}", fitted.len());
        assert!(
            fitted.starts_with("BX-山东临工") && fitted.contains("-山东临工"),
            "{fitted}"
        );
        assert!(
            fitted.ends_with("-SN1-3520h-20261207-铭牌照片-2-0b7c9e2a.jpg"),
            "{fitted}"
        );
        assert_eq!(fit_name("BX-1-nameplate.jpg", "x"), "BX-1-nameplate.jpg");
    }

    #[test]
    fn names_never_hold_separators_or_control_characters() {
        let nasty = [
            "a/../b",
            "x\\y",
            "\u{7f}\u{1b}[31m",
            "\u{202e}gpj.exe",
            "名/字",
        ];
        for n in nasty {
            let name = photo_name(n, n, n, 1, None, day(), n, 2);
            assert!(
                !name.contains('/') && !name.contains('\\') && !name.contains(".."),
                "{name}"
            );
            assert!(!name.chars().any(|c| c.is_control()), "{name:?}");
            assert!(name.ends_with("-2.jpg"));
        }
    }

    #[test]
    fn fitting_keeps_proportions_and_never_enlarges() {
        assert_eq!(fit_within(4000, 3000, 2048), (2048, 1536));
        assert_eq!(fit_within(3000, 4000, 2048), (1536, 2048));
        assert_eq!(fit_within(1200, 900, 2048), (1200, 900));
        assert_eq!(fit_within(10000, 10, 2048), (2048, 2));
    }
}
