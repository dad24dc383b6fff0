//! The supervisor's screens: today's board beside the lists (tablet), patrol rounds, spot checks
//! of the cleaners' checklists and vacant-unit records, and acting on findings.
//!
//! Everything reads IndexedDB (the board works offline and says how fresh it is); every change goes
//! through `hooks::use_outbox`, one transaction with its outbox entry. What a supervisor adds to
//! the screens everyone shares (an area's spot check, a finding's actions) is in `pages::supervising`.

mod board;
mod home;
mod patrol;
mod record;

pub use home::SupervisorHome;
pub use patrol::PatrolPage;
pub use record::RecordPage;

use fieldbook_model::order::ordered;

/// Whether the screen is wide enough for the list and the detail side by side (the CSS breakpoint).
fn is_wide() -> bool {
    gloo::utils::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w >= 900.0)
}

use fieldbook_model::user::display_name;
