//! The cleaner's screens (today's checklists by area, vacant units, problem reports) and the
//! finding/task screen everyone shares. Everything reads IndexedDB; every change goes through
//! `hooks::use_outbox`, one transaction with its outbox entry.

pub mod area;
pub mod conflicts;
pub mod finding;
pub mod report;
pub mod today;
pub mod unit;
