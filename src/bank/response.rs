//! Reading a response: the one parser every flow uses (buttons, selects, pickers, the terminal).

use std::str::FromStr;

use super::Response;

impl FromStr for Response {
    type Err = String;

    /// Reads letters forgivingly: case, spaces, commas and arrows are ignored ("b", "A C",
    /// "a,c", " CADB ", "c > a"). Anything else is refused with a message a user can act on.
    /// Whether the letters fit the question is checked when it is marked.
    fn from_str(text: &str) -> Result<Response, String> {
        let mut indices = Vec::new();
        for c in text.chars() {
            match c {
                'a'..='z' | 'A'..='Z' => indices.push(c.to_ascii_uppercase() as u8 - b'A'),
                ' ' | ',' | ';' | '-' | '>' | '/' | '\t' | '.' => {}
                other => return Err(format!("{other:?} is not an option letter")),
            }
        }
        if indices.is_empty() {
            return Err("give the letter(s) of your answer".into());
        }
        Ok(Response(indices))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_forgive_case_and_separators() {
        let parse = |text: &str| text.parse::<Response>();
        assert_eq!(parse(" a, c ").unwrap(), Response(vec![0, 2]));
        assert_eq!(parse("CADB").unwrap(), Response(vec![2, 0, 3, 1]));
        assert_eq!(parse("c > a > d > b").unwrap(), Response(vec![2, 0, 3, 1]));
        assert!(parse("1").is_err());
        assert!(parse("   ").is_err());
        assert!(parse("A\u{0}").is_err(), "no arithmetic on arbitrary bytes");
    }
}
