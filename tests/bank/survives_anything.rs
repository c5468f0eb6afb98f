use proptest::prelude::*;

use crate::{messages, VALID};

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = messages(&[("aif-c01", "fuzz.toml", &text)]);
    }

    #[test]
    fn arbitrary_toml_shaped_text_never_panics(text in "(\\[\\[question\\]\\]\n|[a-z]{1,8} = (\"[^\"\n]{0,20}\"|[0-9-]{1,3}|\\[(\"[A-Z]{0,2}\",? ?){0,6}\\])\n){0,30}") {
        let _ = messages(&[("aif-c01", "fuzz.toml", &text)]);
    }

    #[test]
    fn a_valid_item_with_any_one_byte_changed_never_panics(at in 0..VALID.len(), byte in any::<u8>()) {
        let mut bytes = VALID.as_bytes().to_vec();
        bytes[at] = byte;
        let text = String::from_utf8_lossy(&bytes);
        let _ = messages(&[("aif-c01", "fuzz.toml", &text)]);
    }

    #[test]
    fn a_valid_item_cut_anywhere_never_panics(at in 0..VALID.len()) {
        let cut = VALID.get(..at).unwrap_or(VALID);
        let _ = messages(&[("aif-c01", "fuzz.toml", cut)]);
    }
}
