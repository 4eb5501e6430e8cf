//! What the fuzzer over scenario text (tests/fuzz.rs) found, each as the smallest scenario text
//! that shows it, asserting the fixed behaviour.

use concrisk::scenario::{Document, Location};

/// A file truncated inside an array (the fuzzer's "truncated at byte N" mutants) is a TOML
/// syntax error at the very end of the text. It used to be reported with no line or column,
/// because a span starting at the end of the text was taken for an edit from outside the file.
#[test]
fn a_syntax_error_at_the_end_of_a_truncated_file_names_its_line_and_column() {
    // No newline at the end: the error's span starts at the end of the text.
    let text = "[scenario]\nname = \"x\"\nsources = [\n  \"a\",";
    let error = match Document::parse(text, "truncated.toml") {
        Ok(_) => panic!("an unclosed array is refused"),
        Err(error) => error,
    };
    let problem = error
        .problems()
        .first()
        .unwrap_or_else(|| panic!("one problem at least: {error}"));
    assert!(problem.syntax, "a syntax error: {error}");
    assert_eq!(
        problem.location,
        Some(Location { line: 4, column: 7 }),
        "the end of the file, line 4 column 7: {error}"
    );
    assert!(
        error.to_string().starts_with("truncated.toml:4:7: "),
        "the message names file, line and column: {error}"
    );
}
