//! JSON paths from positions and back: a small scanner over the (well-formed) text of a
//! sidecar, so that errors name the JSON path of what is wrong and its line and column.

use crate::source::Pos;

/// One level of nesting.
enum Frame {
    Object { key: Option<String> },
    Array { index: usize },
}

/// Walks JSON text byte by byte, knowing at each byte the path of the value it is in.
#[derive(Default)]
struct Scanner {
    stack: Vec<Frame>,
    in_string: bool,
    escaped: bool,
    string: Vec<u8>,
    /// A value starts at the next byte that is not white space.
    value_pending: bool,
    /// The string being read is an object key.
    reading_key: bool,
}

impl Scanner {
    /// Takes one byte; returns true when a value starts at this byte.
    fn step(&mut self, byte: u8) -> bool {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if byte == b'\\' {
                self.escaped = true;
            } else if byte == b'"' {
                self.in_string = false;
                if self.reading_key {
                    self.reading_key = false;
                    let key = String::from_utf8_lossy(&self.string).into_owned();
                    if let Some(Frame::Object { key: k }) = self.stack.last_mut() {
                        *k = Some(key);
                    }
                }
                return false;
            }
            if self.reading_key {
                self.string.push(byte);
            }
            return false;
        }
        if byte.is_ascii_whitespace() {
            return false;
        }
        let starts = self.value_pending && byte != b']' && byte != b'}';
        self.value_pending = false;
        match byte {
            b'{' => self.stack.push(Frame::Object { key: None }),
            b'[' => {
                self.stack.push(Frame::Array { index: 0 });
                self.value_pending = true;
            }
            b'}' | b']' => {
                self.stack.pop();
            }
            b':' => self.value_pending = true,
            b',' => match self.stack.last_mut() {
                Some(Frame::Array { index }) => {
                    *index += 1;
                    self.value_pending = true;
                }
                Some(Frame::Object { key }) => *key = None,
                None => {}
            },
            b'"' => {
                self.in_string = true;
                self.string.clear();
                self.reading_key =
                    !starts && matches!(self.stack.last(), Some(Frame::Object { key: None }));
            }
            _ => {}
        }
        starts
    }

    fn path(&self) -> String {
        let mut out = String::new();
        for frame in &self.stack {
            match frame {
                Frame::Object { key: Some(key) } => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Frame::Object { key: None } => {}
                Frame::Array { index } => out.push_str(&format!("[{index}]")),
            }
        }
        out
    }
}

/// The byte offset of a serde_json position (1-based line; column of the last byte read).
fn offset_of(bytes: &[u8], pos: Pos) -> usize {
    let mut line = 1;
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if line == pos.line {
            break;
        }
        if *b == b'\n' {
            line += 1;
            start = i + 1;
        }
    }
    (start + pos.column as usize).min(bytes.len())
}

/// The JSON path of the value serde_json was reading at `pos`.
pub(super) fn path_at(bytes: &[u8], pos: Pos) -> String {
    let end = offset_of(bytes, pos);
    let mut scanner = Scanner::default();
    for b in &bytes[..end] {
        scanner.step(*b);
    }
    scanner.path()
}

/// Where the value at `path` starts.
pub(super) fn pos_of(bytes: &[u8], path: &str) -> Option<Pos> {
    let mut scanner = Scanner::default();
    let (mut line, mut column) = (1u32, 0u32);
    for b in bytes {
        if *b == b'\n' {
            line += 1;
            column = 0;
        } else if (*b & 0xC0) != 0x80 {
            column += 1;
        }
        if scanner.step(*b) && scanner.path() == path {
            return Some(Pos { line, column });
        }
    }
    None
}
