//! Cleaning checklists, vacant units, findings and patrol rounds on the server: applying their
//! operations (`apply`), what each person pulls (`pull`), who may see them and their photos
//! (`visibility`, `photos`), and their rows (`rows`).
//!
//! Authorisation is by the server's own rows (the area's cleaner, the unit's responsible person,
//! the user's current team and role), never by anything the device says. The rules themselves are
//! the model's, the same code the phone ran.

mod apply;
mod demo_day;
mod photos;
mod pull;
mod rows;
mod team_rows;
mod visibility;

pub(crate) use apply::apply;
pub use demo_day::{load_demo_day, load_demo_month};
pub use photos::find_photo;
pub(crate) use photos::{PhotoFiling, file_photos};
pub use pull::pull;
pub use rows::state_text;
pub(crate) use rows::{finding, save_finding};
pub use team_rows::{TeamRecords, cleaning_teams, team_records};
pub use visibility::may_read_photo;
