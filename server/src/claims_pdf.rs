//! The service report as a printable A4 PDF (`service-report.pdf` in a claim's ZIP), written by
//! hand: a few objects, one text stream per page, and the cross-reference table.
//!
//! Chinese text without embedding a font (a CJK font is many megabytes): the page uses the PDF
//! standard CJK font `STSong-Light` (one of the Adobe-GB1 fonts every conforming reader supplies
//! itself, ISO 32000-1 §9.7.5.2 and Adobe technote 5078) as a Type0 font with the predefined CMap
//! `UniGB-UTF16-H`: every string is written as UTF-16BE hex (`<4E2D6587>`), so any text, also
//! characters beyond the BMP, reaches the reader as Unicode, and the reader maps it to the
//! font's glyphs (CID). Latin letters and digits use the font's proportional CIDs 1-95, given
//! half width (`/W [1 95 500]`); everything else is full width. Lines are wrapped by that width,
//! and a report longer than a page goes on to further pages.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use fieldbook_model::WorkOrder;
use fieldbook_model::claims::Claim;

/// A4 in points.
const PAGE_W: f64 = 595.0;
const PAGE_H: f64 = 842.0;
const MARGIN: f64 = 50.0;
const SIZE: f64 = 10.0;
const LEADING: f64 = 15.0;

/// One line of the page: its text and its size.
struct Line {
    text: String,
    size: f64,
}

fn china_time(t: DateTime<Utc>) -> String {
    crate::sheet::china_time(t)
}

/// A character's width in ems: half for ASCII, full for everything else.
fn em(c: char) -> f64 {
    if c.is_ascii() { 0.5 } else { 1.0 }
}

/// `text` cut into lines that fit `width` points at `size`, each source line on its own.
fn wrap(text: &str, size: f64, width: f64) -> Vec<String> {
    let mut out = Vec::new();
    for source in text.lines() {
        let mut line = String::new();
        let mut used = 0.0;
        for c in source.chars() {
            let c = if c.is_control() { ' ' } else { c };
            let w = em(c) * size;
            if used + w > width && !line.is_empty() {
                out.push(std::mem::take(&mut line));
                used = 0.0;
            }
            line.push(c);
            used += w;
        }
        out.push(line);
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// UTF-16BE hex of `text`, as a PDF hex string.
fn hex(text: &str) -> String {
    let mut s = String::with_capacity(text.len() * 4 + 2);
    s.push('<');
    for unit in text.encode_utf16() {
        let _ = write!(s, "{unit:04X}");
    }
    s.push('>');
    s
}

/// The report's lines, top to bottom.
fn lines(wo: &WorkOrder, claim: Option<&Claim>) -> Vec<Line> {
    let width = PAGE_W - 2.0 * MARGIN;
    let mut out = Vec::new();
    let mut push = |text: String, size: f64| {
        for l in wrap(&text, size, width) {
            out.push(Line { text: l, size });
        }
    };
    push("服务报告 Service report".into(), 16.0);
    push(String::new(), SIZE);
    push(format!("报修单号 Ticket: {}", wo.ticket), SIZE);
    if let Some(c) = claim {
        push(format!("索赔单号 Claim number: {}", c.claim_number), SIZE);
    }
    push(format!("客户 Customer: {}", wo.customer), SIZE);
    push(format!("工地 Site: {}", wo.site), SIZE);
    push(
        format!(
            "机型 Model: {}    序列号 Serial: {}    小时数 Hours: {}",
            wo.equipment_model, wo.serial, wo.engine_hours
        ),
        SIZE,
    );
    push(
        format!("工况 Working condition: {}", wo.working_condition),
        SIZE,
    );
    push(
        format!(
            "服务类型 Service: {} ({})    工程师 Engineer: {} {}",
            wo.service_type.zh(),
            wo.service_type.as_str(),
            wo.assignee_name,
            wo.assignee
        ),
        SIZE,
    );
    push(
        format!("报修时间 Called: {}", china_time(wo.called_at)),
        SIZE,
    );
    push(String::new(), SIZE);
    push("状态时间 Status times (China time)".into(), 12.0);
    for e in &wo.history {
        push(
            format!("{}  {}  {}", china_time(e.at), e.node.as_str(), e.by),
            SIZE,
        );
    }
    push(String::new(), SIZE);
    push("故障描述 Fault description".into(), 12.0);
    push(wo.fault_description.clone(), SIZE);
    push(String::new(), SIZE);
    push("故障原因 Fault cause".into(), 12.0);
    push(wo.report.fault_cause.clone(), SIZE);
    push(String::new(), SIZE);
    push("处理过程 Work done".into(), 12.0);
    push(wo.report.work_done.clone(), SIZE);
    let w = &wo.report.warranty;
    if !w.service_code.is_empty() || !w.fault_info.is_empty() {
        push(format!("服务代码 Service code: {}", w.service_code), SIZE);
        push(
            format!("索赔故障信息 Warranty fault information: {}", w.fault_info),
            SIZE,
        );
    }
    push(String::new(), SIZE);
    push("配件 Parts".into(), 12.0);
    if wo.report.parts.is_empty() {
        push("—".into(), SIZE);
    }
    for p in &wo.report.parts {
        push(
            format!(
                "{}  {}  x{}{}",
                p.part_no,
                p.name,
                p.qty,
                p.return_tag
                    .as_deref()
                    .map(|t| format!("  旧件标签 Return tag: {t}"))
                    .unwrap_or_default()
            ),
            SIZE,
        );
    }
    push(String::new(), SIZE);
    push("工时 Labour".into(), 12.0);
    if w.labour.is_empty() {
        push("—".into(), SIZE);
    }
    for l in &w.labour {
        push(
            format!("{}  {}.{} h", l.person, l.tenths / 10, l.tenths % 10),
            SIZE,
        );
    }
    push(String::new(), SIZE);
    match (&wo.report.signature, &wo.report.waiver) {
        (Some(s), _) => push(
            format!(
                "客户签字 Customer signature: {}  {}",
                s.signer,
                china_time(s.at)
            ),
            SIZE,
        ),
        (None, Some(wv)) => push(
            match &wv.decision {
                Some(d) if d.approved => format!(
                    "免签 Signature waived by {}: {}  {}",
                    d.by.label(),
                    wv.reason,
                    china_time(d.at)
                ),
                Some(d) => format!(
                    "免签被拒绝 Waiver refused by {}: {}  {}",
                    d.by.label(),
                    d.reason,
                    china_time(d.at)
                ),
                None => format!(
                    "免签待批 Waiver requested, not yet approved: {}  {}",
                    wv.reason,
                    china_time(wv.at)
                ),
            },
            SIZE,
        ),
        (None, None) => push("客户签字 Customer signature: —".into(), SIZE),
    }
    if let Some(at) = wo.report.submitted_at {
        push(format!("提交时间 Submitted: {}", china_time(at)), SIZE);
    }
    out
}

/// The PDF of the order's service report (and the claim's number, when given).
pub fn service_report(wo: &WorkOrder, claim: Option<&Claim>) -> Vec<u8> {
    let all = lines(wo, claim);
    // Pages of lines.
    let mut pages: Vec<Vec<&Line>> = vec![Vec::new()];
    let mut y = PAGE_H - MARGIN;
    for line in &all {
        let step = line.size.max(SIZE) * LEADING / SIZE;
        if y - step < MARGIN {
            pages.push(Vec::new());
            y = PAGE_H - MARGIN;
        }
        y -= step;
        pages.last_mut().expect("one page at least").push(line);
    }
    // Objects: 1 catalog, 2 pages, 3 Type0 font, 4 CID font, 5 descriptor, then per page its
    // page object and its content stream.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 6 + 2 * i))
        .collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H \
          /DescendantFonts [4 0 R] >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
          /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> \
          /FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 \
          /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 \
          /CapHeight 880 /StemV 93 >>"
            .to_vec(),
    );
    for (i, page) in pages.iter().enumerate() {
        let mut content = String::from("BT\n");
        let mut y = PAGE_H - MARGIN;
        for line in page {
            y -= line.size.max(SIZE) * LEADING / SIZE;
            let _ = writeln!(
                content,
                "/F1 {} Tf 1 0 0 1 {MARGIN} {y:.1} Tm {} Tj",
                line.size,
                hex(&line.text)
            );
        }
        let _ = writeln!(
            content,
            "/F1 8 Tf 1 0 0 1 {MARGIN} 30 Tm {} Tj",
            hex(&format!("{}  {}/{}", wo.ticket, i + 1, pages.len()))
        );
        content.push_str("ET\n");
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                7 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content.as_bytes());
        stream.extend_from_slice(b"endstream");
        objects.push(stream);
    }
    // The file: header (with the comment of bytes above 127 that marks it binary, here valid
    // UTF-8 so the file also reads as text), objects, xref, trailer.
    let mut out: Vec<u8> = "%PDF-1.7\n%âãÏÓ\n".as_bytes().to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        let _ = writeln!(table, "{o:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(table.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read the PDF back by its cross-reference table: every object where the table says, the
    /// table where `startxref` says, the streams as long as their `/Length`.
    pub(crate) fn check_structure(pdf: &[u8]) -> usize {
        let text = std::str::from_utf8(pdf).expect("text with UTF-16 hex strings");
        assert!(text.starts_with("%PDF-1.7\n"));
        assert!(text.ends_with("%%EOF\n"));
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            pdf[start..].starts_with(b"xref\n"),
            "startxref points at xref"
        );
        let mut lines = text[start..].lines().skip(1);
        let header = lines.next().unwrap();
        let count: usize = header.split(' ').nth(1).unwrap().parse().unwrap();
        assert_eq!(lines.next().unwrap(), "0000000000 65535 f ");
        for n in 1..count {
            let entry = lines.next().unwrap();
            assert_eq!(entry.len(), 19, "{entry:?}");
            let offset: usize = entry[..10].parse().unwrap();
            let expected = format!("{n} 0 obj\n");
            assert!(
                pdf[offset..].starts_with(expected.as_bytes()),
                "object {n} at {offset}"
            );
        }
        assert!(text.contains(&format!("trailer\n<< /Size {count} /Root 1 0 R >>")));
        // Each stream is exactly as long as it says.
        for (i, _) in text.match_indices("/Length ") {
            let rest = &text[i + 8..];
            let len: usize = rest[..rest.find(' ').unwrap()].parse().unwrap();
            let data = i + 8 + rest.find("stream\n").unwrap() + 7;
            assert_eq!(&pdf[data + len..data + len + 9], b"endstream");
        }
        count - 1
    }

    #[test]
    fn strings_are_utf16_hex_also_beyond_the_bmp() {
        assert_eq!(hex("A中"), "<00414E2D>");
        assert_eq!(hex("𠀀"), "<D840DC00>");
    }

    #[test]
    fn long_text_wraps_by_width_and_keeps_every_character() {
        let text = "液压泵".repeat(40);
        let lines = wrap(&text, 10.0, 100.0);
        assert!(lines.iter().all(|l| l.chars().count() <= 10));
        assert_eq!(lines.concat(), text);
        assert_eq!(wrap("ab\ncd", 10.0, 100.0), vec!["ab", "cd"]);
    }

    #[test]
    fn the_report_reads_back_by_its_cross_references() {
        let mut wo: WorkOrder = serde_json::from_value(serde_json::json!({
            "id": "00000000-0000-4000-8000-000000000001", "ticket": "BX-20261201-001",
            "customer": "济南宏达土方", "site": "济南市历城区", "equipment_model": "EC210D",
            "serial": "VCEC210DC00312457", "engine_hours": 5120, "working_condition": "土方",
            "fault_description": "动臂无力", "service_type": "fault_repair",
            "machine_down": true, "called_at": "2026-12-01T01:00:00Z",
            "planned_at": "2026-12-01T05:00:00Z", "assignee": "engineer1",
            "status": "repaired_left", "seq": 1,
            "history": [
                {"node": "departed", "at": "2026-12-01T02:00:00Z", "by": "engineer1",
                 "op_id": "00000000-0000-4000-8000-000000000011"},
                {"node": "repaired_left", "at": "2026-12-01T15:30:00Z", "by": "engineer1",
                 "op_id": "00000000-0000-4000-8000-000000000012"}
            ]
        }))
        .unwrap();
        wo.report.fault_cause = "主泵磨损(".repeat(600);
        wo.report.parts.push(fieldbook_model::report::PartUsed {
            part_no: "14526153".into(),
            name: "液压主泵".into(),
            qty: 1,
            replaced: true,
            return_tag: Some("BX-20261201-001-R1".into()),
        });
        wo.report.work_done = "更换主泵 ) \\ 测试".into();
        wo.report.warranty.service_code = "SW-3120".into();
        wo.report.warranty.labour = vec![fieldbook_model::report::LabourHours {
            person: "engineer1".into(),
            tenths: 45,
        }];
        wo.report.waiver = Some(fieldbook_model::Waiver {
            reason: "客户外出，电话确认".into(),
            at: "2026-12-01T15:40:00Z".parse().unwrap(),
            decision: None,
        });
        let pdf = service_report(&wo, None);
        // To look at it by hand: FIELDBOOK_PDF_OUT=/tmp/report.pdf cargo test ... claims_pdf
        if let Ok(path) = std::env::var("FIELDBOOK_PDF_OUT") {
            std::fs::write(path, &pdf).unwrap();
        }
        let objects = check_structure(&pdf);
        // A long report runs over pages: 5 shared objects and two per page.
        assert!(objects >= 9, "{objects}");
        assert_eq!((objects - 5) % 2, 0);
        let text = String::from_utf8_lossy(&pdf);
        assert!(
            pdf[..20].iter().filter(|b| **b > 127).count() >= 4,
            "marked binary"
        );
        assert!(text.contains("/BaseFont /STSong-Light /Encoding /UniGB-UTF16-H"));
        assert!(text.contains(&hex("服务报告 Service report")));
    }
}
