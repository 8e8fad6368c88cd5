//! Which declarations hide text, after the cascade: the value each
//! property takes for an element (CSS Cascading 4: a later declaration
//! wins, an `!important` one wins over a normal one; a `style` attribute
//! comes after every style sheet rule, HTML's own rules before them), and
//! whether those values make its text invisible to a reader.
//!
//! Pure and bounded: a declaration list in, a yes or no out. This is not
//! a layout engine; it knows the ways mail hides text (see [`hides`]).

use super::css::{unescape, without_comments};

/// One declaration (`display: none !important`): property and value in
/// ASCII lower case, CSS escapes read, the value trimmed and without its
/// `!important`, which `important` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Decl {
    pub property: String,
    pub value: String,
    pub important: bool,
}

/// The declarations of a block (`display: none; color: red`, as in a
/// `style` attribute or between a rule's braces), comments dropped, in
/// order.
pub(super) fn parse(declarations: &str) -> Vec<Decl> {
    without_comments(declarations)
        .split(';')
        .filter_map(|declaration| {
            let (property, value) = declaration.split_once(':')?;
            let property = unescape(property).trim().to_ascii_lowercase();
            let value = unescape(value).to_ascii_lowercase();
            let important = value.contains("!important");
            let value = value.replace("!important", "").trim().to_owned();
            Some(Decl {
                property,
                value,
                important,
            })
        })
        .collect()
}

/// The value each property ends with when `decls` apply in order: a
/// later declaration replaces an earlier one, unless the earlier is
/// `!important` and the later is not.
pub(super) fn cascade<'a>(decls: impl IntoIterator<Item = &'a Decl>) -> Vec<&'a Decl> {
    let mut out: Vec<&Decl> = Vec::new();
    for d in decls {
        match out.iter_mut().find(|o| o.property == d.property) {
            Some(o) => {
                if d.important || !o.important {
                    *o = d;
                }
            }
            None => out.push(d),
        }
    }
    out
}

/// Whether the final values `decls` (see [`cascade`]) hide the text they
/// apply to:
/// - `display:none`, `visibility:hidden` or `collapse`, `mso-hide:all`,
///   `content-visibility:hidden`;
/// - a font size too small to read (1.6 px, a tenth of the usual size,
///   or less, in any unit: `1pt`, `0.2mm`, `0.01in`, `0.1em`, `10%`,
///   `calc(0px)`), in `font-size` or the `font` shorthand;
/// - an invisible colour: `transparent`, or any colour with alpha 0
///   (`rgba(0,0,0,0)`, `#fff0`, `#ffffff00`, `hsl(0 0% 100% / 0)`), in
///   `color` or `-webkit-text-fill-color`;
/// - `opacity` or `filter: opacity()` at 1% or less; a `transform` or
///   `zoom` that scales to 1% or less (`scale(0)`, `scaleX(0)`,
///   `scale(1, 0)`, `zoom: 1%`);
/// - a box of zero (or 1 px) `height`, `max-height`, `width`,
///   `max-width` or `line-height` with `overflow` `hidden` or `clip`, or
///   with `text-indent` 1,000 px or more off;
/// - a zero `clip: rect(...)`, a `clip-path` `inset()` whose opposite
///   sides add up to 100% (`inset(50%)`, `inset(0 0 0 100%)`),
///   `circle(0)` or `ellipse(0 0)`;
/// - `position: absolute` or `fixed` 1,000 px or more off the page
///   (`left`, `top`, `text-indent`, margins; `right` and `bottom` the
///   other way; em counted at 16 px, percentages of a 600 px page).
pub(super) fn hides(decls: &[&Decl]) -> bool {
    let get = |p: &str| {
        decls
            .iter()
            .find(|d| d.property == p)
            .map(|d| d.value.as_str())
    };
    let is = |p: &str, v: &str| get(p) == Some(v);
    if is("display", "none")
        || matches!(get("visibility"), Some("hidden" | "collapse"))
        || is("mso-hide", "all")
        || is("content-visibility", "hidden")
    {
        return true;
    }
    let tiny_font = get("font-size").is_some_and(unreadable_size)
        || get("font")
            .and_then(shorthand_size)
            .is_some_and(unreadable_size);
    let invisible_colour = get("color").is_some_and(invisible)
        || get("-webkit-text-fill-color").is_some_and(invisible);
    let faded = get("opacity").and_then(alpha).is_some_and(|n| n <= 0.01)
        || get("filter").is_some_and(|f| {
            function_args(f, "opacity").is_some_and(|a| alpha(a).is_some_and(|n| n <= 0.01))
        });
    let scaled = get("transform").is_some_and(scales_to_nothing)
        || get("zoom").and_then(alpha).is_some_and(|n| n <= 0.01);
    if tiny_font || invisible_colour || faded || scaled {
        return true;
    }
    let clipped_box = matches!(get("overflow"), Some("hidden" | "clip"))
        || ["overflow-x", "overflow-y"]
            .iter()
            .any(|p| matches!(get(p), Some("hidden" | "clip")));
    let small_box = ["height", "max-height", "width", "max-width", "line-height"]
        .iter()
        .any(|p| get(p).and_then(px).is_some_and(|n| n.abs() <= 1.0));
    let indented_off = get("text-indent")
        .and_then(offset)
        .is_some_and(|n| n <= -1000.0);
    if clipped_box && (small_box || indented_off) {
        return true;
    }
    let clip = get("clip").is_some_and(|v| {
        function_args(v, "rect").is_some_and(|a| {
            a.split([',', ' '])
                .filter(|v| !v.is_empty())
                .all(|v| px(v) == Some(0.0))
        })
    });
    let clip_path = get("clip-path").is_some_and(|v| {
        function_args(v, "inset").is_some_and(inset_covers)
            || function_args(v, "circle")
                .or_else(|| function_args(v, "ellipse"))
                .is_some_and(|a| {
                    a.split(" at ")
                        .next()
                        .unwrap_or("")
                        .split_ascii_whitespace()
                        .any(|r| px(r) == Some(0.0))
                })
    });
    if clip || clip_path {
        return true;
    }
    let positioned = matches!(get("position"), Some("absolute" | "fixed"));
    let off = |p: &str, sign: f64| get(p).and_then(offset).is_some_and(|n| n * sign <= -1000.0);
    positioned
        && (off("left", 1.0)
            || off("top", 1.0)
            || off("text-indent", 1.0)
            || off("margin-left", 1.0)
            || off("margin-top", 1.0)
            || off("right", -1.0)
            || off("bottom", -1.0))
}

/// Whether `inset(...)` arguments (`top right bottom left`, CSS box
/// shorthand order, a `round` radius ignored) cut the box away: two
/// opposite insets adding up to 100% or more (one given alone counts
/// for both sides).
fn inset_covers(args: &str) -> bool {
    let sides: Vec<f64> = args
        .split(" round ")
        .next()
        .unwrap_or("")
        .split_ascii_whitespace()
        .map(|v| v.strip_suffix('%').and_then(number).unwrap_or(0.0))
        .collect();
    let side = |i: usize| sides.get(i).copied();
    let top = side(0).unwrap_or(0.0);
    let right = side(1).or(side(0)).unwrap_or(0.0);
    let bottom = side(2).or(side(0)).unwrap_or(0.0);
    let left = side(3).or(side(1)).or(side(0)).unwrap_or(0.0);
    top + bottom >= 100.0 || left + right >= 100.0
}

/// An offset (`left`, `top`, margins, `text-indent`) in pixels: a
/// length as [`px`] reads it, a percentage of a 600 px page.
fn offset(value: &str) -> Option<f64> {
    match value.trim().strip_suffix('%') {
        Some(p) => number(p).map(|n| n * 6.0),
        None => px(value),
    }
}

/// The arguments of `name(...)` in `value` (`rect(0 0 0 0)` gives
/// `0 0 0 0`), or `None` when `value` is not that function.
fn function_args<'v>(value: &'v str, name: &str) -> Option<&'v str> {
    let rest = value
        .trim()
        .strip_prefix(name)?
        .trim_start()
        .strip_prefix('(')?;
    Some(rest.trim_end().strip_suffix(')').unwrap_or(rest).trim())
}

/// A CSS number (`0.5`, `+1e-3`, `.0`, `50%` as 50).
fn number(value: &str) -> Option<f64> {
    value
        .trim()
        .trim_end_matches('%')
        .trim()
        .parse::<f64>()
        .ok()
}

/// An alpha or opacity value from 0 to 1 (`0.5`, `50%`).
fn alpha(value: &str) -> Option<f64> {
    let value = value.trim();
    match value.strip_suffix('%') {
        Some(p) => number(p).map(|n| n / 100.0),
        None => number(value),
    }
}

/// A length in CSS pixels: absolute units converted (`in` 96, `cm`
/// 37.8, `mm` 3.78, `q` 0.945, `pt` 4/3, `pc` 16), font-relative ones at
/// a 16 px font (`em`, `rem`; `ex` and `ch` half of it), `%` of 16 px,
/// viewport units of a 600 px window; `calc(X)` of a single length read
/// as X. `None` for anything else.
fn px(value: &str) -> Option<f64> {
    let value = value.trim();
    let value = function_args(value, "calc").unwrap_or(value);
    let split = value
        .char_indices()
        .find(|&(i, c)| c.is_ascii_alphabetic() && !(c == 'e' && is_exponent(value, i)) || c == '%')
        .map_or(value.len(), |(i, _)| i);
    let (n, unit) = value.split_at(split);
    let n = n.trim().parse::<f64>().ok()?;
    let scale = match unit.trim() {
        "" | "px" => 1.0,
        "in" => 96.0,
        "cm" => 37.8,
        "mm" => 3.78,
        "q" => 0.945,
        "pt" => 4.0 / 3.0,
        "pc" => 16.0,
        "em" | "rem" => 16.0,
        "%" => 0.16,
        "ex" | "ch" => 8.0,
        "vw" | "vh" | "vmin" | "vmax" => 6.0,
        _ => return None,
    };
    Some(n * scale)
}

/// Whether the `e` at byte `i` of `value` is a number's exponent (`1e-3`).
fn is_exponent(value: &str, i: usize) -> bool {
    let before = value.get(..i).and_then(|b| b.chars().last());
    let after = value.get(i + 1..).and_then(|a| a.chars().next());
    before.is_some_and(|c| c.is_ascii_digit())
        && after.is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+')
}

/// Whether a font size is too small to read: a tenth of the usual 16 px
/// or less (`1px`, `1pt`, `0.1em`, `10%`, `0.2mm`: the text salad that
/// cuts a phrase for filters and not for readers).
fn unreadable_size(value: &str) -> bool {
    px(value).is_some_and(|n| n <= 1.6)
}

/// The font size in a `font` shorthand value (CSS Fonts 3, 3.7: style,
/// variant, weight and stretch come first, then the size, optionally
/// `/line-height`, then the family): the first token that begins with a
/// digit or a dot and carries a unit, a `/`, or is zero (a weight is a
/// unitless number other than zero).
fn shorthand_size(value: &str) -> Option<&str> {
    value.split_ascii_whitespace().find_map(|token| {
        let size = token.split('/').next().unwrap_or(token);
        let numeric = size.starts_with(|c: char| c.is_ascii_digit() || c == '.');
        let unit = size.ends_with(|c: char| c.is_ascii_alphabetic() || c == '%');
        (numeric && (token.contains('/') || unit || px(size) == Some(0.0))).then_some(size)
    })
}

/// Whether a colour is invisible: `transparent`, or any colour whose
/// alpha is 0 (`rgba(0,0,0,0)`, `rgb(0 0 0 / 0%)`, `hsla(...)`,
/// `#rgba` with `a` 0, `#rrggbbaa` with `aa` 00).
fn invisible(value: &str) -> bool {
    if value == "transparent" {
        return true;
    }
    if let Some(hex) = value.strip_prefix('#') {
        return match hex.len() {
            4 => hex.ends_with('0'),
            8 => hex.ends_with("00"),
            _ => false,
        };
    }
    let Some(open) = value.find('(') else {
        return false;
    };
    let args = value
        .get(open + 1..)
        .unwrap_or("")
        .trim_end_matches(')')
        .trim();
    let alpha = match args.rsplit_once('/') {
        Some((_, a)) => Some(a),
        None => {
            let parts: Vec<&str> = args.split(',').collect();
            (parts.len() == 4).then(|| parts[3])
        }
    };
    alpha.and_then(self::alpha).is_some_and(|a| a == 0.0)
}

/// Whether a `transform` scales to 1% or less along an axis: `scale(0)`,
/// `scale(1, 0)`, `scaleX(0)`, `scaleY(0.001)`, `scale3d(0, 1, 1)`.
fn scales_to_nothing(value: &str) -> bool {
    let mut rest = value;
    while let Some(at) = rest.find("scale") {
        let after = rest.get(at..).unwrap_or("");
        if let Some(open) = after.find('(') {
            let close = after.find(')').unwrap_or(after.len());
            let args = after.get(open + 1..close).unwrap_or("");
            if args
                .split([',', ' '])
                .filter(|a| !a.is_empty())
                .any(|a| number(a).is_some_and(|n| n.abs() <= 0.01))
            {
                return true;
            }
        }
        rest = after.get(5..).unwrap_or("");
    }
    false
}
