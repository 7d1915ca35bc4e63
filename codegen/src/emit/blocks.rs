//! Text blocks: the parts of a type's file that repeat once a field (the struct, its field
//! table, its constants) are written by the emitter as formatted text, not as tokens that the
//! write stage would parse and print again (for the Dataverse v9.1 SDK, parsing and printing
//! them was most of the generation time).
//!
//! The types a block names are its *slots*: each is written in full (`::dataverse_runtime::Field<
//! ::std::string::String>`) in one item of the file's token stream, the slot list
//! (`#[__text_slots] struct Account(T1, #[cfg(..)] T2, ..);`), so that the short-names pass sees
//! them as it sees any other path of the file and rewrites them; the write stage then takes the
//! list out and puts each slot's short form into the blocks' text. A block stands in the token
//! stream as a marker item, `__text_block!(N);`, which the write stage replaces by its text.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::HashMap;

/// Starts a slot reference in a block's text: `\u{1}` index `\u{2}`.
pub const SLOT_START: char = '\u{1}';
/// Ends a slot reference in a block's text.
pub const SLOT_END: char = '\u{2}';
/// The attribute of the slot list item.
pub const SLOTS_ATTRIBUTE: &str = "__text_slots";
/// The name of the marker macro of a block.
pub const BLOCK_MARKER: &str = "__text_block";

/// A file's text blocks and the slots they name.
#[derive(Default)]
pub(super) struct Blocks {
    /// Each slot's type (as tokens) and whether only gated code (`#[cfg]`) names it.
    slots: Vec<(TokenStream, bool)>,
    index: HashMap<String, usize>,
    /// The blocks' texts, slots referenced as `\u{1}N\u{2}`.
    pub(super) texts: Vec<String>,
}

impl Blocks {
    /// The reference to a slot of type `ty` to write in a block; `gated`: the code that names
    /// it is under a `#[cfg]`.
    pub(super) fn slot(&mut self, ty: TokenStream, gated: bool) -> String {
        let key = ty.to_string();
        let n = match self.index.get(&key) {
            Some(&n) => {
                self.slots[n].1 &= gated;
                n
            }
            None => {
                self.index.insert(key, self.slots.len());
                self.slots.push((ty, gated));
                self.slots.len() - 1
            }
        };
        format!("{SLOT_START}{n}{SLOT_END}")
    }

    /// Adds a block; returns its marker item.
    pub(super) fn block(&mut self, text: String) -> TokenStream {
        let n = proc_macro2::Literal::usize_unsuffixed(self.texts.len());
        self.texts.push(text);
        let marker = Ident::new(BLOCK_MARKER, proc_macro2::Span::call_site());
        quote!(#marker!(#n);)
    }

    /// The slot list item, named `name` (the file's type: the list stands for its definition
    /// too). Empty without slots.
    pub(super) fn slots_item(&self, name: &Ident) -> TokenStream {
        if self.slots.is_empty() {
            return quote!();
        }
        let attribute = Ident::new(SLOTS_ATTRIBUTE, proc_macro2::Span::call_site());
        let fields = self.slots.iter().map(|(ty, gated)| {
            if *gated {
                quote!(#[cfg(__gated)] #ty)
            } else {
                quote!(#ty)
            }
        });
        quote!(#[#attribute] struct #name(#(#fields),*);)
    }
}

/// Doc comment lines as `///` lines at `indent`, as the formatter would print them.
pub(super) fn doc_text(out: &mut String, indent: &str, lines: &[String]) {
    for line in lines {
        let text = format!(" {}", line.replace('\r', " "));
        out.push_str(indent);
        out.push_str("///");
        out.push_str(text.trim_end_matches(' '));
        out.push('\n');
    }
}

/// Starts a constant's line in a block's text: the write stage lays it out
/// ([`layout_const`]) once its slots have their short names and its width is known.
pub const CONST_START: char = '\u{3}';
/// Separates the parts of a constant's line.
pub const CONST_PART: char = '\u{4}';

/// An associated constant, `pub const NAME: TYPE = INIT(ARGS);`, one level in, for
/// [`layout_const`]; `ty` and `init` may hold slot references.
pub(super) fn const_text(
    out: &mut String,
    gate: Option<&str>,
    name: &str,
    ty: &str,
    init: &str,
    args: &[&str],
) {
    if let Some(gate) = gate {
        out.push_str("    ");
        out.push_str(gate);
        out.push('\n');
    }
    out.push(CONST_START);
    for part in [name, ty, init].into_iter().chain(args.iter().copied()) {
        out.push_str(part);
        out.push(CONST_PART);
    }
    out.push('\n');
}

/// The widest line rustfmt writes; a constant longer than this breaks after its `=`.
const MAX_WIDTH: usize = 100;

/// The lines of a constant written by [`const_text`] (its slots filled): on one line, or
/// broken after the `=` and then between its arguments, as rustfmt breaks it.
pub fn layout_const(line: &str, out: &mut String) {
    let mut parts = line.trim_start_matches(CONST_START).split(CONST_PART);
    let name = parts.next().unwrap_or_default();
    let ty = parts.next().unwrap_or_default();
    let init = parts.next().unwrap_or_default();
    let args: Vec<&str> = parts.filter(|a| !a.is_empty()).collect();
    let head = format!("    pub const {name}: {ty} =");
    let call = format!("{init}({});", args.join(", "));
    let width = |s: &str| s.chars().count();
    if width(&head) + 1 + width(&call) <= MAX_WIDTH {
        out.push_str(&format!("{head} {call}\n"));
        return;
    }
    let broken_call = |out: &mut String, indent: &str| {
        out.push_str(&format!("{init}(\n"));
        for arg in &args {
            out.push_str(&format!("{indent}    {arg},\n"));
        }
        out.push_str(&format!("{indent});\n"));
    };
    match generic_arguments(ty) {
        // The name and type alone are too long: the type's arguments a line each.
        Some((ty_head, ty_args)) if width(&head) > MAX_WIDTH => {
            out.push_str(&format!("    pub const {name}: {ty_head}<\n"));
            for arg in ty_args {
                out.push_str(&format!("        {arg},\n"));
            }
            out.push_str("    > = ");
            broken_call(out, "    ");
        }
        _ if 8 + width(&call) <= MAX_WIDTH => out.push_str(&format!("{head}\n        {call}\n")),
        _ => {
            out.push_str(&format!("{head}\n        "));
            broken_call(out, "        ");
        }
    }
}

/// `Head<A, B>` as `Head` and its arguments (split at the commas outside nested `<..>`).
fn generic_arguments(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty[open + 1..].strip_suffix('>')?;
    let mut args = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    args.push(inner[start..].trim());
    Some((&ty[..open], args))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laid_out(name: &str, ty: &str, init: &str, args: &[&str]) -> String {
        let mut text = String::new();
        const_text(&mut text, None, name, ty, init, args);
        let mut out = String::new();
        layout_const(text.trim_end_matches('\n'), &mut out);
        out
    }

    #[test]
    fn a_constant_is_on_one_line_when_it_fits_and_broken_as_rustfmt_breaks_it_when_not() {
        assert_eq!(
            laid_out(
                "NAME",
                "Property<Self, String>",
                "Property::new",
                &["\"name\""]
            ),
            "    pub const NAME: Property<Self, String> = Property::new(\"name\");\n"
        );
        assert_eq!(
            laid_out(
                "ADDRESS1_POSTOFFICEBOX",
                "Property<Self, String>",
                "Property::new",
                &["\"address1_postofficebox_and_some_more\""]
            ),
            "    pub const ADDRESS1_POSTOFFICEBOX: Property<Self, String> =\n        \
             Property::new(\"address1_postofficebox_and_some_more\");\n"
        );
        let long = "a".repeat(60);
        let set = "b".repeat(40);
        assert_eq!(
            laid_out(
                "LOOKUP",
                "support::Lookup<Account, super::Team>",
                "support::Lookup::new",
                &[&format!("\"{long}\""), &format!("\"{set}\"")]
            ),
            format!(
                "    pub const LOOKUP: support::Lookup<Account, super::Team> =\n        \
                 support::Lookup::new(\n            \"{long}\",\n            \"{set}\",\n        );\n"
            )
        );
        let name = "N".repeat(80);
        assert_eq!(
            laid_out(
                &name,
                "support::Navigation<Account, super::Team>",
                "support::Navigation::new",
                &["\"x\"", "\"teams\""]
            ),
            format!(
                "    pub const {name}: support::Navigation<\n        Account,\n        \
                 super::Team,\n    > = support::Navigation::new(\n        \"x\",\n        \
                 \"teams\",\n    );\n"
            )
        );
    }

    #[test]
    fn a_slot_is_named_once_and_stays_gated_only_while_all_its_uses_are() {
        let mut blocks = Blocks::default();
        let a = blocks.slot(quote!(::std::string::String), true);
        let b = blocks.slot(quote!(u8), true);
        assert_eq!(blocks.slot(quote!(::std::string::String), false), a);
        assert_ne!(a, b);
        let name = Ident::new("Account", proc_macro2::Span::call_site());
        assert_eq!(
            blocks.slots_item(&name).to_string(),
            quote!(
                #[__text_slots]
                struct Account(::std::string::String, #[cfg(__gated)] u8);
            )
            .to_string()
        );
    }

    #[test]
    fn doc_lines_are_written_as_the_formatter_writes_them() {
        let mut out = String::new();
        doc_text(
            &mut out,
            "    ",
            &["One.".into(), String::new(), "a\rb  ".into()],
        );
        assert_eq!(out, "    /// One.\n    ///\n    /// a b\n");
    }
}
