//! Source positions: byte offsets turned into the line and column a person reads.

use std::fmt;

/// A position in a source document: 1-based line and column (the column counts characters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Turns byte offsets of one document into [`Pos`] values.
///
/// Offsets are expected in increasing order most of the time (the parser reads forward); the
/// index keeps a cursor (its line and its column in characters), so that the whole document
/// costs one pass however long its lines are: a one-line document of 40,000 elements costs no
/// more than its pretty-printed form.
pub struct LineIndex<'a> {
    text: &'a [u8],
    cursor_offset: usize,
    cursor_line: u32,
    /// Characters between the start of the cursor's line and the cursor.
    cursor_chars: u32,
    /// Length of a byte order mark at the start of the text (0 or 3): not a column a person sees.
    bom: usize,
}

impl<'a> LineIndex<'a> {
    /// An index over `text` (the whole document, including any byte order mark).
    pub fn new(text: &'a [u8]) -> Self {
        LineIndex {
            text,
            cursor_offset: 0,
            cursor_line: 1,
            cursor_chars: 0,
            bom: if text.starts_with(&[0xEF, 0xBB, 0xBF]) {
                3
            } else {
                0
            },
        }
    }

    /// The position of the byte at `offset` (clamped to the end of the text).
    pub fn pos(&mut self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        if offset < self.cursor_offset {
            self.cursor_offset = 0;
            self.cursor_line = 1;
            self.cursor_chars = 0;
        }
        let start = self.cursor_offset.max(self.bom.min(offset));
        for byte in &self.text[start..offset] {
            if *byte == b'\n' {
                self.cursor_line += 1;
                self.cursor_chars = 0;
            } else if (*byte & 0xC0) != 0x80 {
                // Continuation bytes of UTF-8 do not start a character.
                self.cursor_chars += 1;
            }
        }
        self.cursor_offset = offset;
        Pos {
            line: self.cursor_line,
            column: self.cursor_chars + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters() {
        let text = "ab\r\nc\u{e9}d\nx".as_bytes();
        let mut index = LineIndex::new(text);
        assert_eq!(index.pos(0), Pos { line: 1, column: 1 });
        assert_eq!(index.pos(1), Pos { line: 1, column: 2 });
        assert_eq!(index.pos(4), Pos { line: 2, column: 1 });
        // 'd' comes after a two-byte character: byte 7, character column 3.
        assert_eq!(index.pos(7), Pos { line: 2, column: 3 });
        assert_eq!(index.pos(9), Pos { line: 3, column: 1 });
        // Going backwards restarts the cursor.
        assert_eq!(index.pos(1), Pos { line: 1, column: 2 });
    }

    #[test]
    fn byte_order_mark_is_not_a_column() {
        let text = b"\xEF\xBB\xBF<a/>";
        let mut index = LineIndex::new(text);
        assert_eq!(index.pos(3), Pos { line: 1, column: 1 });
    }
}
