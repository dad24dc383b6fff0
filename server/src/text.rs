//! Text from outside (a file, a form, a phone) made harmless where it is printed.
//!
//! Pages escape it by construction (Leptos writes text nodes); log lines through
//! [`log_fields`], which writes every field and message through [`terminal_safe`] (a newline
//! in a username cannot forge a log line); photo and folder names through
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

/// How the server's log writes fields, its message among them: each value through
/// [`terminal_safe`], so a username, ticket or path someone typed cannot start a new log line or
/// drive the operator's terminal, whichever log line carries it.
pub type LogFields = tracing_subscriber::field::delimited::Delimited<
    &'static str,
    tracing_subscriber::fmt::format::FieldFn<LogField>,
>;
type LogField = fn(
    &mut tracing_subscriber::fmt::format::Writer<'_>,
    &tracing::field::Field,
    &dyn std::fmt::Debug,
) -> std::fmt::Result;

/// The log's field formatter: see [`LogFields`].
pub fn log_fields() -> LogFields {
    use tracing_subscriber::field::MakeExt;
    fn write_field(
        w: &mut tracing_subscriber::fmt::format::Writer<'_>,
        field: &tracing::field::Field,
        value: &dyn std::fmt::Debug,
    ) -> std::fmt::Result {
        let text = format!("{value:?}");
        let text = terminal_safe(&text);
        if field.name() == "message" {
            write!(w, "{text}")
        } else {
            write!(w, "{}={text}", field.name())
        }
    }
    tracing_subscriber::fmt::format::debug_fn(write_field as LogField).delimited(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn log_lines_escape_what_users_typed_in_fields_and_messages() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .fmt_fields(log_fields())
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let typed = "eve\n2026-12-07T00:00:00Z  INFO signed in username=admin\u{1b}[2J";
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(username = %typed, ticket = ?"BX\r1", "sign-in refused for {}", typed);
        });
        let out = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(!out.contains('\u{1b}'), "{out}");
        assert!(
            out.contains("sign-in refused for eve\\u{a}2026-12-07"),
            "{out}"
        );
        assert!(out.contains("username=eve\\u{a}2026"), "{out}");
        assert!(out.contains("admin\\u{1b}[2J"), "{out}");
        assert!(out.contains("ticket=\"BX\\r1\""), "{out}");
    }

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
