//! Why something did not work, in words a person can act on.
//!
//! The one mapping from the device store's, the photo pipeline's and the model's errors to what a
//! screen says. The browser's own error text is logged to the console for us and never shown: a
//! cleaner cannot act on "QuotaExceededError", but can on "the phone is full: this photo was not
//! saved, everything before it is intact".

use fieldbook_model::OpError;

use crate::db::DbError;
use crate::i18n::{Lang, Msg};
use crate::photo::PhotoError;

#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The phone would not keep the write: nothing of this change was saved, everything before it
    /// is intact. `photo` says whether the change carried a photo (then the photo is what to retake).
    StorageFull { photo: bool },
    /// The model refused the step: the same rules the server applies.
    Refused(OpError),
    /// The record the step is about is not on this device (not synced yet, or removed).
    NotOnDevice,
    /// The file is not a readable image.
    NotAnImage,
    /// The browser could not process the photo (usually memory).
    PhotoFailed,
    /// The device's store could not be written (private mode, a damaged profile).
    Storage,
    /// The device's store could not be read: shown as a failure, never as "nothing there".
    Unreadable,
}

impl Failure {
    /// A failed write of a change (with or without photos); the detail goes to the console.
    pub fn of_write(e: &DbError, photo: bool) -> Failure {
        match e {
            DbError::StorageRefused(_) => {
                gloo::console::warn!(format!("storage refused a write: {e}"));
                Failure::StorageFull { photo }
            }
            DbError::Refused(op) => Failure::Refused(op.clone()),
            DbError::UnknownWorkOrder(_) => Failure::NotOnDevice,
            DbError::Browser(_) | DbError::Decode(_) => {
                gloo::console::error!(format!("storing a change failed: {e}"));
                Failure::Storage
            }
        }
    }

    /// A failed read of the device's store; the detail goes to the console.
    pub fn of_read(e: &DbError) -> Failure {
        gloo::console::error!(format!("reading the device failed: {e}"));
        Failure::Unreadable
    }

    pub fn text(&self, lang: Lang) -> String {
        match self {
            Failure::StorageFull { photo: true } => Msg::PhotoNotSaved.text(lang).into(),
            Failure::StorageFull { photo: false } => Msg::StorageFull.text(lang).into(),
            Failure::Refused(e) => crate::i18n::op_error(e, lang),
            Failure::NotOnDevice => Msg::NotOnDevice.text(lang).into(),
            Failure::NotAnImage => Msg::NotAnImage.text(lang).into(),
            Failure::PhotoFailed => Msg::PhotoFailed.text(lang).into(),
            Failure::Storage => Msg::StorageFailed.text(lang).into(),
            Failure::Unreadable => Msg::ReadFailed.text(lang).into(),
        }
    }
}

impl From<&PhotoError> for Failure {
    fn from(e: &PhotoError) -> Failure {
        match e {
            PhotoError::NotAnImage => Failure::NotAnImage,
            PhotoError::Browser(_) => {
                gloo::console::error!(format!("processing a photo failed: {e}"));
                Failure::PhotoFailed
            }
        }
    }
}
