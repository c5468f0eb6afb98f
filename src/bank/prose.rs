//! Prose fields (stem, explanation, case scenario) are written wrapped in TOML `"""` blocks; Discord
//! would show every source line break, so they are reflowed the way Markdown reads them.

/// Joins the lines of each paragraph with a space. A blank line still separates paragraphs, and a
/// line that starts a list item ("- ", "* ", "1. ", "2) ") keeps its own line.
pub fn reflow(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = false;
    for line in text.trim().lines().map(str::trim) {
        if line.is_empty() {
            blank_run = true;
            continue;
        }
        if !out.is_empty() {
            if blank_run {
                out.push_str("\n\n");
            } else if starts_list_item(line) {
                out.push('\n');
            } else {
                out.push(' ');
            }
        }
        blank_run = false;
        out.push_str(line);
    }
    out
}

fn starts_list_item(line: &str) -> bool {
    if line.starts_with("- ") || line.starts_with("* ") {
        return true;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(&line[digits..].get(..2), Some(". " | ") "))
}

#[cfg(test)]
mod tests {
    use super::reflow;

    #[test]
    fn wrapped_lines_become_one_line() {
        assert_eq!(
            reflow("\nA team uses Amazon Bedrock\n  to summarize calls.\nWhat should it do?"),
            "A team uses Amazon Bedrock to summarize calls. What should it do?"
        );
    }

    #[test]
    fn blank_lines_keep_paragraphs() {
        assert_eq!(
            reflow("First part\nstill first.\n\n\nSecond part."),
            "First part still first.\n\nSecond part."
        );
    }

    #[test]
    fn list_items_keep_their_lines() {
        assert_eq!(
            reflow("Steps:\n1. Load\n2) Train\n- then\ndeploy\n* watch"),
            "Steps:\n1. Load\n2) Train\n- then deploy\n* watch"
        );
    }

    #[test]
    fn a_number_inside_a_sentence_is_not_a_list() {
        assert_eq!(
            reflow("It took\n2 hours and\n3.5 GB."),
            "It took 2 hours and 3.5 GB."
        );
    }
}
