//! Text from outside (a file, a form, a phone) made harmless where it is printed.
//!
//! Pages escape it by construction (Leptos writes text nodes); logs through `tracing-subscriber`,
//! which escapes ANSI sequences in what it writes since 0.3.20; photo and folder names through
//! `fieldbook_model::photo::sanitize_part`; spreadsheet cells where they are written. What is
//! left is the operator's terminal: the import's report lines and the commands' errors, which
//! carry tickets, names and column headings exactly as the file had them.

use std::borrow::Cow;

/// Characters a terminal would act on instead of showing: C0 and C1 controls (ESC starts colour
/// and cursor sequences), DEL, and the bidirectional overrides and isolates that reorder what is
/// shown ("Trojan Source"). A tab stays a tab.
fn acts_on_terminal(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// `s` with every character a terminal would act on written as a visible `\u{..}` escape;
/// borrowed when there is none (the usual case).
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(acts_on_terminal) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if acts_on_terminal(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_acts_on_and_keeps_the_rest() {
        assert!(matches!(
            terminal_safe("BX-1 中建三局\t2号门"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            terminal_safe("BX-\u{1b}[2J\u{1b}]0;pwned\u{7}1"),
            "BX-\\u{1b}[2J\\u{1b}]0;pwned\\u{7}1"
        );
        assert_eq!(terminal_safe("a\rb\nc\u{9b}d"), "a\\u{d}b\\u{a}c\\u{9b}d");
        assert_eq!(terminal_safe("x\u{202e}gpj.exe"), "x\\u{202e}gpj.exe");
        assert_eq!(terminal_safe("\u{2066}a\u{2069}"), "\\u{2066}a\\u{2069}");
    }
}
