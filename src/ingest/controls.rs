//! Control characters that have no place in text (a PDF conversion's `\x07` between words, the
//! bytes of a binary file): every control character but line ends, tabs and page breaks.

/// Whether `c` is a stray control character.
pub(crate) fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')
}

/// The stray control characters of `text`, counted from its bytes: C0 and DEL are single
/// bytes, which no other character's encoding holds; C1 is `0xC2` followed by `0x80`–`0x9F`.
/// Counted in blocks of 255 byte pairs into a byte-wide sum, which the compiler turns into
/// vector code: the scale corpus is one 120 MB file, and a character-by-character count took
/// 2 % of an indexing run.
pub(crate) fn stray_control_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let Some((&last, head)) = bytes.split_last() else {
        return 0;
    };
    let pairs = head.chunks(255).zip(bytes[1..].chunks(255));
    let in_pairs: usize = pairs
        .map(|(firsts, seconds)| {
            let block: u8 = firsts
                .iter()
                .zip(seconds)
                .map(|(&byte, &next)| u8::from(is_stray_byte(byte) | is_c1(byte, next)))
                .sum();
            usize::from(block)
        })
        .sum();
    in_pairs + usize::from(is_stray_byte(last))
}

/// A C0 control other than a line end, tab or page break, or DEL.
fn is_stray_byte(byte: u8) -> bool {
    (byte < 0x20 && !matches!(byte, b'\n' | b'\r' | b'\t' | 0x0C)) || byte == 0x7F
}

/// Whether `byte`, then `next`, encode a C1 control (U+0080–U+009F).
fn is_c1(byte: u8, next: u8) -> bool {
    byte == 0xC2 && next & 0xE0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_controls_are_counted_as_character_by_character() {
        let long = format!("{}\u{85}{}\x07é", "é".repeat(127), "a".repeat(300));
        for text in [
            "",
            "a",
            "\x07",
            "Déjà vu\n\tà l'œil\r\n\x0c",
            "\x00ab\x7f\u{85}\u{9f}\u{a0}«é»\u{1F600}\x1b",
            "\u{80}",
            "x\u{9f}",
            long.as_str(),
        ] {
            let by_characters = text.chars().filter(|&c| is_stray_control(c)).count();
            assert_eq!(stray_control_count(text), by_characters, "{text:?}");
        }
    }
}
