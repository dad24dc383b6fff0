//! The supervisor's screens: today's board beside the lists (tablet), patrol rounds, spot checks
//! of the cleaners' checklists and vacant-unit records, and acting on findings.
//!
//! Everything reads IndexedDB (the board works offline and says how fresh it is); every change goes
//! through `sync::record_field`, one transaction with its outbox entry.

mod actions;
mod board;
mod home;
mod patrol;
mod review;

pub use actions::FindingActions;
pub use home::SupervisorHome;
pub use patrol::PatrolPage;
pub use review::{AreaReview, RecordPage};

/// Whether the screen is wide enough for the list and the detail side by side (the CSS breakpoint).
fn is_wide() -> bool {
    gloo::utils::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w >= 900.0)
}

/// The display name of a username, from the people the device knows.
fn display_name(people: &[fieldbook_model::UserProfile], username: &str) -> String {
    people
        .iter()
        .find(|p| p.username == username)
        .map_or_else(|| username.to_string(), |p| p.display_name.clone())
}
