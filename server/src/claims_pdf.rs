//! The service report as a printable A4 page (PDF), for a claim's files.
pub fn service_report(
    _wo: &fieldbook_model::WorkOrder,
    _claim: Option<&fieldbook_model::claims::Claim>,
) -> Vec<u8> {
    Vec::new()
}
