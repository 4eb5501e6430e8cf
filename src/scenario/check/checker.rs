//! The checker every section's check writes its problems to, located in the document being
//! checked.

use toml::Spanned;
use toml::de::DeTable;

use crate::scenario::error::{FORMAT_DOC, Pending};
use crate::scenario::locate::{FieldPath, locate};
use crate::scenario::sections::SetAside;

/// Where problems are recorded, located in the document being checked.
pub(super) struct Checker<'d, 'i> {
    pub document: &'d Spanned<DeTable<'i>>,
    pub aside: SetAside,
    pub pending: Vec<Pending>,
}

impl Checker<'_, '_> {
    /// Records a problem at `path` (the field, or the closest enclosing table the file has).
    pub fn problem(
        &mut self,
        path: &FieldPath,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let span = locate(self.document, path);
        self.pending
            .push(Pending::new(span, path.display(), message, hint));
    }

    /// The path in the file of element `index` of what was read of array section `section`.
    pub fn element(&self, section: &str, index: usize) -> FieldPath {
        self.aside.element(section, index)
    }

    /// Whether references to `id` are not to be reported: its element could not be read.
    pub fn set_aside(&self, id: &str) -> bool {
        self.aside.ids.contains(id)
    }

    /// A required section the file does not have (unless it was set aside for a problem).
    pub fn require<T>(&mut self, section: &str, value: Option<T>, example: &str) -> Option<T> {
        if value.is_none() && !self.aside.sections.contains(section) {
            self.pending.push(Pending::new(
                None,
                format!("[{section}]"),
                format!("the file has no [{section}] section"),
                format!("add it, e.g. {example} ({FORMAT_DOC})"),
            ));
        }
        value
    }
}
