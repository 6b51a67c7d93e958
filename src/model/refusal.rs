//! One typed refusal: a rule of the plan, of the records or of the sync core says no to what a
//! user (or a file from elsewhere) asked, in a Chinese sentence that says what to do. Every
//! check in `model/` returns it; the store carries it as `StoreError::Refused`, apart from
//! trouble with the file or the disk.

/// Why something asked is refused: a sentence for the user. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(String);

impl Refusal {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// The sentence.
    pub fn message(&self) -> &str {
        &self.0
    }

    /// The same refusal, said of `what` (a row of a spreadsheet, a field of a form).
    pub fn about(self, what: &str) -> Self {
        Self(format!("{what}：{}", self.0))
    }
}

impl From<Refusal> for String {
    fn from(r: Refusal) -> Self {
        r.0
    }
}
