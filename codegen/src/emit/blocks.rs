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

use proc_macro2::{Ident, TokenStream, TokenTree};
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
    /// The text of type `ty` to write in a block, each path in it (`::dataverse_runtime::Field`,
    /// `super::super::Account`) a slot: `\u{1}0\u{2}<\u{1}1\u{2}>`. A file's slot list then
    /// names each path once, however many types are built of it. `gated`: the code that names
    /// it is under a `#[cfg]`. A type of another shape is one slot.
    pub(super) fn slot(&mut self, ty: TokenStream, gated: bool) -> String {
        let tokens: Vec<TokenTree> = ty.clone().into_iter().collect();
        // Checked first, then written: a type the walk does not know registers no slot.
        let walk = |blocks: Option<&mut Blocks>| {
            let (mut at, mut out) = (0, String::new());
            Walk { blocks, gated }.type_text(&tokens, &mut at, &mut out)?;
            (at == tokens.len()).then_some(out)
        };
        if walk(None).is_some()
            && let Some(text) = walk(Some(self))
        {
            return text;
        }
        self.whole_slot(ty, gated)
    }

    /// The reference to one slot of type `ty`.
    fn whole_slot(&mut self, ty: TokenStream, gated: bool) -> String {
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

    /// A stand-in for a type defined in a block of a file with several (the slot list stands
    /// for the first): `#[__text_slots] struct Name;`, so that the names of the file's items
    /// are known to the passes that read its tokens. The write stage removes it.
    pub(super) fn stand_in(name: &Ident) -> TokenStream {
        let attribute = Ident::new(SLOTS_ATTRIBUTE, proc_macro2::Span::call_site());
        quote!(#[#attribute] struct #name;)
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

/// A walk over a type's tokens for [`Blocks::slot`]: writes it with a slot for each path, or
/// (without `blocks`) only checks that it has a shape the walk knows.
struct Walk<'b> {
    blocks: Option<&'b mut Blocks>,
    gated: bool,
}

impl Walk<'_> {
    /// Writes the type at `tokens[*at..]` (a path with generic arguments, a lifetime, a
    /// reference or a tuple) with a slot for each path; `None` for anything else.
    fn type_text(&mut self, tokens: &[TokenTree], at: &mut usize, out: &mut String) -> Option<()> {
        let punct = |t: Option<&TokenTree>, c: char| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c);
        match tokens.get(*at)? {
            TokenTree::Punct(p) if p.as_char() == '\'' => {
                let TokenTree::Ident(name) = tokens.get(*at + 1)? else {
                    return None;
                };
                out.push_str(&format!("'{name}"));
                *at += 2;
            }
            TokenTree::Punct(p) if p.as_char() == '&' => {
                out.push('&');
                *at += 1;
                if punct(tokens.get(*at), '\'') {
                    self.type_text(tokens, at, out)?;
                    out.push(' ');
                }
                self.type_text(tokens, at, out)?;
            }
            TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Parenthesis => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let mut i = 0;
                out.push('(');
                while i < inner.len() {
                    self.type_text(&inner, &mut i, out)?;
                    if punct(inner.get(i), ',') {
                        i += 1;
                        if i < inner.len() {
                            out.push_str(", ");
                        }
                    }
                }
                out.push(')');
                *at += 1;
            }
            TokenTree::Punct(_) | TokenTree::Ident(_) => {
                // A path: `::`? ident (`::` ident)*.
                let start = *at;
                if punct(tokens.get(*at), ':') {
                    *at += 2;
                }
                loop {
                    let TokenTree::Ident(_) = tokens.get(*at)? else {
                        return None;
                    };
                    *at += 1;
                    if punct(tokens.get(*at), ':') && punct(tokens.get(*at + 1), ':') {
                        *at += 2;
                    } else {
                        break;
                    }
                }
                let path: TokenStream = tokens[start..*at].iter().cloned().collect();
                if let Some(blocks) = self.blocks.as_deref_mut() {
                    out.push_str(&blocks.whole_slot(path, self.gated));
                }
                if punct(tokens.get(*at), '<') {
                    *at += 1;
                    out.push('<');
                    loop {
                        self.type_text(tokens, at, out)?;
                        if punct(tokens.get(*at), ',') && !punct(tokens.get(*at + 1), '>') {
                            *at += 1;
                            out.push_str(", ");
                        } else if punct(tokens.get(*at), ',') || punct(tokens.get(*at), '>') {
                            // A trailing comma is not written.
                            *at += 1 + usize::from(punct(tokens.get(*at), ','));
                            break;
                        } else {
                            return None;
                        }
                    }
                    out.push('>');
                }
            }
            _ => return None,
        }
        Some(())
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
    marked_line(
        out,
        CONST_START,
        [name, ty, init].into_iter().chain(args.iter().copied()),
    );
}

/// A line the write stage lays out: `start`, then each part followed by [`CONST_PART`].
fn marked_line<'p>(out: &mut String, start: char, parts: impl IntoIterator<Item = &'p str>) {
    out.push(start);
    for part in parts {
        out.push_str(part);
        out.push(CONST_PART);
    }
    out.push('\n');
}

/// Lays out a line of a block (its slots filled) if it starts with one of the markers above;
/// `false` for a line to copy as it is.
pub fn layout_line(line: &str, out: &mut String) -> bool {
    let layout: fn(&str, &mut String) = match line.chars().next() {
        Some(CONST_START) => layout_const,
        Some(FN_START) => layout_fn,
        Some(CALL_START) => layout_call,
        Some(FIELD_START) => layout_field,
        Some(STRUCT_START) => layout_struct,
        Some(IMPL_START) => layout_impl,
        Some(VARIANT_START) => layout_variant,
        _ => return false,
    };
    layout(line, out);
    true
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

/// Starts a method signature's line in a block's text, laid out by [`layout_fn`].
pub const FN_START: char = '\u{5}';
/// Starts a method call's line (the last expression of a method body), laid out by
/// [`layout_call`].
pub const CALL_START: char = '\u{6}';

/// The widest line prettyplease writes (its margin): the methods of text blocks are laid out
/// as it lays out the same code, byte for byte.
pub(super) const PRETTYPLEASE_MARGIN: usize = 89;

/// A method's signature in an `impl` block, `HEAD(PARAMS) -> RET {`, for [`layout_fn`];
/// `params` and `ret` may hold slot references.
pub(super) fn fn_text(out: &mut String, head: &str, params: &[&str], ret: &str) {
    let parts = std::iter::once(head).chain(params.iter().copied());
    marked_line(out, FN_START, parts.chain([ret]));
}

/// A method body's one expression, a call `CALLEE(ARGS)`, for [`layout_call`].
pub(super) fn call_text(out: &mut String, callee: &str, args: &[&str]) {
    marked_line(
        out,
        CALL_START,
        std::iter::once(callee).chain(args.iter().copied()),
    );
}

/// Starts a struct field's line (`pub name: TYPE,`, one level in), laid out by
/// [`layout_field`].
pub const FIELD_START: char = '\u{7}';
/// Starts a struct expression's line (a method body's last expression), laid out by
/// [`layout_struct`].
pub const STRUCT_START: char = '\u{8}';

/// An attribute with a list, `#[NAME(ITEMS)]`, one level in, as prettyplease writes it: on one
/// line if it fits, else an item a line (the items hold no slots).
pub(super) fn attr_text(out: &mut String, name: &str, items: &[&str]) {
    let one = format!("    #[{name}({})]", items.join(", "));
    if one.len() <= PRETTYPLEASE_MARGIN {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    out.push_str(&format!("    #[{name}(\n"));
    for (k, item) in items.iter().enumerate() {
        let comma = if k + 1 < items.len() { "," } else { "" };
        out.push_str(&format!("        {item}{comma}\n"));
    }
    out.push_str("    )]\n");
}

/// A struct field, `HEAD: TYPE,` one level in, for [`layout_field`].
pub(super) fn field_text(out: &mut String, head: &str, ty: &str) {
    marked_line(out, FIELD_START, [head, ty]);
}

/// A struct expression `PATH { FIELDS }`, two levels in, for [`layout_struct`].
pub(super) fn struct_text(out: &mut String, path: &str, fields: &[&str]) {
    marked_line(
        out,
        STRUCT_START,
        std::iter::once(path).chain(fields.iter().copied()),
    );
}

/// The lines of a field written by [`field_text`]: its type broken as prettyplease breaks it
/// where the line is too long.
pub fn layout_field(line: &str, out: &mut String) {
    let parts = line_parts(line);
    let [head, ty] = parts.as_slice() else {
        return;
    };
    typed_line(out, 4, head, ty, true);
}

/// `INDENT HEAD: TYPE` and, if `comma_counts`, a comma: on one line if it fits (the comma
/// counted where it is a word of its own, not a break's), else the type's arguments broken.
fn typed_line(out: &mut String, indent: usize, head: &str, ty: &str, comma_counts: bool) {
    let pad = " ".repeat(indent);
    let width = indent + head.len() + 2 + ty.len() + usize::from(comma_counts);
    if width <= PRETTYPLEASE_MARGIN || !ty.ends_with('>') {
        out.push_str(&format!("{pad}{head}: {ty},\n"));
        return;
    }
    out.push_str(&format!("{pad}{head}: "));
    broken_type(ty, indent, out);
    out.push_str(",\n");
}

/// The lines of a struct expression written by [`struct_text`]: on one line where prettyplease
/// keeps it so (at most 34 columns from its path to its last field), else a field a line.
pub fn layout_struct(line: &str, out: &mut String) {
    let parts = line_parts(line);
    let [path, fields @ ..] = parts.as_slice() else {
        return;
    };
    let joined = fields.join(", ");
    if fields.is_empty() {
        out.push_str(&format!("        {path} {{}}\n"));
    } else if path.len() + 4 + joined.len() <= 34 {
        out.push_str(&format!("        {path} {{ {joined} }}\n"));
    } else {
        out.push_str(&format!("        {path} {{\n"));
        for field in fields.iter() {
            out.push_str(&format!("            {field},\n"));
        }
        out.push_str("        }\n");
    }
}

/// Starts a trait impl's header line, laid out by [`layout_impl`].
pub const IMPL_START: char = '\u{e}';

/// A trait impl's header, `impl TRAIT for TYPE {` (with `}` when `empty`), for
/// [`layout_impl`].
pub(super) fn impl_text(out: &mut String, trait_: &str, ty: &str, empty: bool) {
    marked_line(out, IMPL_START, [trait_, ty, if empty { "}" } else { "" }]);
}

/// The lines of an impl header written by [`impl_text`], as prettyplease breaks them: on one
/// line if `impl TRAIT for TYPE {` fits, else `for TYPE {` on a line of its own (and the trait's
/// generic arguments broken if `impl TRAIT` alone does not fit).
pub fn layout_impl(line: &str, out: &mut String) {
    let parts = line_parts(line);
    let (trait_, ty, close) = match parts.as_slice() {
        [trait_, ty] => (*trait_, *ty, ""),
        [trait_, ty, close] => (*trait_, *ty, *close),
        _ => return,
    };
    let one = format!("impl {trait_} for {ty} {{");
    if one.len() <= PRETTYPLEASE_MARGIN {
        out.push_str(&format!("{one}{close}\n"));
        return;
    }
    out.push_str("impl ");
    if 5 + trait_.len() <= PRETTYPLEASE_MARGIN {
        out.push_str(trait_);
    } else {
        broken_type(trait_, 0, out);
    }
    out.push_str(&format!("\nfor {ty} {{{close}\n"));
}

/// Starts a tuple variant's line (`Name(TYPE),`, one level in), laid out by
/// [`layout_variant`].
pub const VARIANT_START: char = '\u{f}';

/// A tuple variant with one field, `NAME(TYPE),`, for [`layout_variant`].
pub(super) fn variant_text(out: &mut String, name: &str, ty: &str) {
    marked_line(out, VARIANT_START, [name, ty]);
}

/// The lines of a variant written by [`variant_text`]: on one line if it fits, else its field
/// on a line of its own (its type broken as prettyplease breaks it if that is too long too).
pub fn layout_variant(line: &str, out: &mut String) {
    let parts = line_parts(line);
    let [name, ty] = parts.as_slice() else {
        return;
    };
    let one = format!("    {name}({ty}),");
    if one.len() <= PRETTYPLEASE_MARGIN {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    out.push_str(&format!("    {name}(\n        "));
    if 8 + ty.len() <= PRETTYPLEASE_MARGIN || !ty.ends_with('>') {
        out.push_str(ty);
    } else {
        broken_type(ty, 8, out);
    }
    out.push_str(",\n    ),\n");
}

/// A match arm `PATTERN => BODY,` at `indent` (its parts hold no slots), as prettyplease writes
/// it: on one line if it fits (the comma not counted), else the body in a block. `false` (and
/// nothing written) where the pattern itself or the body in its block would be broken.
pub(super) fn arm_text(out: &mut String, indent: usize, pattern: &str, body: &str) -> bool {
    if indent + pattern.len() + 4 > PRETTYPLEASE_MARGIN
        || indent + 4 + body.len() > PRETTYPLEASE_MARGIN
    {
        return false;
    }
    let pad = " ".repeat(indent);
    if indent + pattern.len() + 4 + body.len() <= PRETTYPLEASE_MARGIN {
        out.push_str(&format!("{pad}{pattern} => {body},\n"));
    } else {
        out.push_str(&format!("{pad}{pattern} => {{\n{pad}    {body}\n{pad}}}\n"));
    }
    true
}

/// The parts of a line written by [`fn_text`] or [`call_text`] (after its start character).
fn line_parts(line: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = line[line.chars().next().map_or(0, char::len_utf8)..]
        .split(CONST_PART)
        .collect();
    if parts.last() == Some(&"") {
        parts.pop();
    }
    parts
}

/// The lines of a signature written by [`fn_text`] (its slots filled), one level in: on one
/// line if it fits, else a parameter a line and then, if the return type still does not fit,
/// its generic arguments a line each, as prettyplease breaks them.
pub fn layout_fn(line: &str, out: &mut String) {
    let parts = line_parts(line);
    let [head, params @ .., ret] = parts.as_slice() else {
        return;
    };
    let one = format!("    {head}({}) -> {ret} {{", params.join(", "));
    if one.len() <= PRETTYPLEASE_MARGIN {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    out.push_str(&format!("    {head}(\n"));
    for (k, param) in params.iter().enumerate() {
        match param.split_once(": ") {
            // The last parameter's comma is a break's, not counted in its width.
            Some((name, ty)) => typed_line(out, 8, name, ty, k + 1 < params.len()),
            None => out.push_str(&format!("        {param},\n")),
        }
    }
    let tail = format!("    ) -> {ret} {{");
    if tail.len() <= PRETTYPLEASE_MARGIN {
        out.push_str(&tail);
        out.push('\n');
        return;
    }
    out.push_str("    ) -> ");
    broken_type(ret, 4, out);
    out.push_str(" {\n");
}

/// `ty` with its generic arguments a line each at `indent + 4` (each on one line if it fits
/// with the comma that follows it, else broken the same way), the closing `>` at `indent`.
fn broken_type(ty: &str, indent: usize, out: &mut String) {
    let Some((head, args)) = generic_arguments(ty) else {
        out.push_str(ty);
        return;
    };
    out.push_str(head);
    out.push_str("<\n");
    let inner = " ".repeat(indent + 4);
    for (k, arg) in args.iter().enumerate() {
        out.push_str(&inner);
        let comma = usize::from(k + 1 < args.len());
        if indent + 4 + arg.len() + comma <= PRETTYPLEASE_MARGIN || !arg.ends_with('>') {
            out.push_str(arg);
        } else {
            broken_type(arg, indent + 4, out);
        }
        out.push_str(",\n");
    }
    out.push_str(&" ".repeat(indent));
    out.push('>');
}

/// The lines of a call written by [`call_text`], two levels in (a method body's last
/// expression): on one line if it fits, else an argument a line.
pub fn layout_call(line: &str, out: &mut String) {
    let parts = line_parts(line);
    let [callee, args @ ..] = parts.as_slice() else {
        return;
    };
    let one = format!("        {callee}({})", args.join(", "));
    if one.len() <= PRETTYPLEASE_MARGIN {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    out.push_str(&format!("        {callee}(\n"));
    for arg in args {
        out.push_str(&format!("            {arg},\n"));
    }
    out.push_str("        )\n");
}

/// `Head<A, B>` as `Head` and its arguments (split at the commas outside nested `<..>`).
fn generic_arguments(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty[open + 1..].strip_suffix('>')?;
    let mut args = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth = depth.saturating_sub(1),
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

    /// `text`'s lines with those of signatures, calls, fields and struct expressions laid out.
    fn layout(text: &str) -> String {
        let mut out = String::new();
        for line in text.lines() {
            if !layout_line(line, &mut out) {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    fn prettyplease(source: &str) -> String {
        prettyplease::unparse(&syn::parse_file(source).expect("test source parses"))
    }

    /// Names from 1 to 70 characters long, so that every line is short for some and too long
    /// for others.
    fn lengths() -> impl Iterator<Item = usize> {
        (1..=70).step_by(3)
    }

    #[test]
    fn a_handle_method_is_laid_out_as_prettyplease_lays_it_out() {
        for n in lengths() {
            let method = "m".repeat(n);
            let request = format!("R{}", "e".repeat(n / 2));
            let ret = format!(
                "Request<'a, CallAction<'a, {request}, Vec<Value{}>, AsBody>>",
                "x".repeat(n / 3)
            );
            let name = format!("\"{}\"", "q".repeat(n));
            let mut text = String::from("impl X {\n    #[inline]\n");
            fn_text(
                &mut text,
                &format!("pub fn {method}<'a>"),
                &["&self", &format!("request: &'a {request}")],
                &ret,
            );
            call_text(&mut text, "self.bound_action", &[&name, "request"]);
            text.push_str("    }\n}\n");
            let expected = prettyplease(&format!(
                "impl X {{ #[inline] pub fn {method}<'a>(&self, request: &'a {request}) -> {ret} \
                 {{ self.bound_action({name}, request) }} }}"
            ));
            assert_eq!(layout(&text), expected, "method name of {n} characters");
        }
    }

    #[test]
    fn a_request_type_is_laid_out_as_prettyplease_lays_it_out() {
        for n in lengths() {
            let field = "f".repeat(n);
            let wire = format!("\"{}\"", "w".repeat(n));
            let ty = format!("Option<Vec<EntityValue<T{}>>>", "y".repeat(n / 2));
            let name = format!("R{}", "e".repeat(n / 3));
            let mut text = format!("pub struct {name} {{\n");
            attr_text(
                &mut text,
                "serde",
                &[
                    &format!("rename = {wire}"),
                    "skip_serializing_if = \"::core::option::Option::is_none\"",
                ],
            );
            field_text(&mut text, &format!("pub {field}"), &ty);
            text.push_str(&format!("}}\nimpl {name} {{\n"));
            fn_text(
                &mut text,
                "pub fn new",
                &[&format!("{field}: {ty}")],
                "Self",
            );
            struct_text(&mut text, &name, &[&field]);
            text.push_str("    }\n");
            fn_text(
                &mut text,
                &format!("pub fn {field}"),
                &["mut self", &format!("value: {ty}")],
                "Self",
            );
            text.push_str(&format!(
                "        self.{field} = value;\n        self\n    }}\n}}\n"
            ));
            let expected = prettyplease(&format!(
                "pub struct {name} {{ #[serde(rename = {wire}, skip_serializing_if = \
                 \"::core::option::Option::is_none\")] pub {field}: {ty}, }} \
                 impl {name} {{ pub fn new({field}: {ty}) -> Self {{ {name} {{ {field} }} }} \
                 pub fn {field}(mut self, value: {ty}) -> Self {{ self.{field} = value; self }} }}"
            ));
            assert_eq!(layout(&text), expected, "names of {n} characters");
        }
    }

    #[test]
    fn a_struct_expression_is_on_one_line_up_to_34_columns_as_prettyplease_writes_it() {
        for n in 1..=24 {
            let fields = ["a".repeat(n), format!("{}: None", "b".repeat(n / 2 + 1))];
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            let mut text = String::from("impl X {\n    fn f() -> Self {\n");
            struct_text(&mut text, "Short", &fields);
            text.push_str("    }\n}\n");
            let expected = prettyplease(&format!(
                "impl X {{ fn f() -> Self {{ Short {{ {} }} }} }}",
                fields.join(", ")
            ));
            assert_eq!(layout(&text), expected, "fields of {n} characters");
        }
    }

    #[test]
    fn an_impl_header_is_laid_out_as_prettyplease_lays_it_out() {
        // The longest base name makes `impl IsA<..>` alone too long for a line.
        for n in lengths().chain([90]) {
            let base = format!("B{}", "b".repeat(if n == 90 { n } else { n / 2 }));
            let name = format!("N{}", "n".repeat(n));
            let mut text = String::new();
            impl_text(&mut text, &format!("IsA<{base}>"), &name, true);
            impl_text(&mut text, "HasBinds", &name, false);
            text.push_str("    fn f() {}\n}\n");
            let expected = prettyplease(&format!(
                "impl IsA<{base}> for {name} {{}} impl HasBinds for {name} {{ fn f() {{}} }}"
            ));
            assert_eq!(layout(&text), expected, "names of {n} characters");
        }
    }

    #[test]
    fn an_enum_of_boxes_and_a_match_on_it_are_laid_out_as_prettyplease_lays_them_out() {
        for n in lengths().chain([85]) {
            let variant = format!("V{}", "v".repeat(n));
            let ty = format!("Box<T{}>", "t".repeat(n));
            let mut text = String::from("pub enum E {\n");
            variant_text(&mut text, &variant, &ty);
            text.push_str("}\n");
            let expected = prettyplease(&format!("pub enum E {{ {variant}({ty}), }}"));
            assert_eq!(layout(&text), expected, "a variant of {n} characters");
            let mut text = String::from("fn f(e: E) {\n    match e {\n");
            let pattern = format!("E::{variant}(value)");
            if !arm_text(&mut text, 8, &pattern, "value.serialize(serializer)") {
                // Prettyplease breaks the pattern: the emitter writes tokens instead.
                assert!(8 + pattern.len() + 4 > 89, "an arm of {n} characters");
                continue;
            }
            text.push_str("    }\n}\n");
            let expected = prettyplease(&format!(
                "fn f(e: E) {{ match e {{ {pattern} => value.serialize(serializer), }} }}"
            ));
            assert_eq!(layout(&text), expected, "an arm of {n} characters");
        }
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
    fn a_type_is_written_with_a_slot_for_each_path_in_it() {
        let mut blocks = Blocks::default();
        let slot = |n: usize| format!("{SLOT_START}{n}{SLOT_END}");
        assert_eq!(
            blocks.slot(
                quote!(::dataverse_runtime::Field<::std::vec::Vec<super::super::Account>>),
                false
            ),
            format!("{}<{}<{}>>", slot(0), slot(1), slot(2))
        );
        assert_eq!(
            blocks.slot(
                quote!(
                    ::dataverse_runtime::codegen::request::Request<
                        'a,
                        (::std::vec::Vec<u8>, &'static str),
                    >
                ),
                true
            ),
            format!(
                "{}<'a, ({}<{}>, &'static {})>",
                slot(3),
                slot(1),
                slot(4),
                slot(5)
            )
        );
        // A shape it does not know is one slot.
        assert_eq!(blocks.slot(quote!([u8; 4]), false), slot(6));
        // Nor does a type with such a part: none of its paths becomes a slot of its own.
        assert_eq!(blocks.slot(quote!(::x::Y<[u8; 2]>), false), slot(7));
        let name = Ident::new("Account", proc_macro2::Span::call_site());
        let expected: TokenStream = "#[__text_slots] struct Account(::dataverse_runtime::Field, \
             ::std::vec::Vec, super::super::Account, \
             #[cfg(__gated)] ::dataverse_runtime::codegen::request::Request, \
             #[cfg(__gated)] u8, #[cfg(__gated)] str, [u8; 4], ::x::Y<[u8; 2]>);"
            .parse()
            .expect("test tokens parse");
        assert_eq!(blocks.slots_item(&name).to_string(), expected.to_string());
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
