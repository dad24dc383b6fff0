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

thread_local! {
    static TYPED: std::cell::RefCell<std::collections::HashMap<String, String>> =
        Default::default();
}

/// A form field's value that outlives its component: the pages are rebuilt when a sync brings
/// new data, and what the supervisor was typing must not vanish with them.
fn typed(key: String) -> leptos::prelude::RwSignal<String> {
    use leptos::prelude::*;
    let initial = TYPED.with(|t| t.borrow().get(&key).cloned().unwrap_or_default());
    let value = RwSignal::new(initial);
    Effect::new(move |_| {
        let v = value.get();
        TYPED.with(|t| t.borrow_mut().insert(key.clone(), v));
    });
    value
}

/// Forget a field's value once what it was typed for is saved.
fn forget_typed(key: &str) {
    TYPED.with(|t| t.borrow_mut().remove(key));
}
