//! What a supervisor adds to the screens everyone shares: the spot check at the foot of an area's
//! checklist, and assigning, confirming or reopening a finding. The field pages show these for a
//! supervisor; the supervisor's own pages use the same review panel. Depends on neither.

mod actions;
mod review;

pub use actions::{FindingActions, from_input, to_input};
pub use review::{AreaReview, ReviewPanel};
